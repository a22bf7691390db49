package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/anishathalye/porcupine"
)

// w and r write history lines: client, key, value ("" for a read of an absent key), times, outcome.
func w(client int, key, value string, invoke, complete int64, outcome string) string {
	return fmt.Sprintf(`{"client":%d,"key":%q,"op":"write","value":%q,"invoke_ns":%d,"complete_ns":%d,"outcome":%q}`,
		client, key, value, invoke, complete, outcome)
}

func r(client int, key, value string, invoke, complete int64) string {
	v := "null"
	if value != "" {
		v = fmt.Sprintf("%q", value)
	}
	return fmt.Sprintf(`{"client":%d,"key":%q,"op":"read","value":%s,"invoke_ns":%d,"complete_ns":%d,"outcome":"ok"}`,
		client, key, v, invoke, complete)
}

func check(t *testing.T, lines ...string) Result {
	t.Helper()
	history, err := ReadHistory(strings.NewReader(strings.Join(lines, "\n")))
	if err != nil {
		t.Fatalf("ReadHistory: %v", err)
	}
	return Check(history, 0)
}

func TestNotLinearizable(t *testing.T) {
	for _, c := range []struct {
		name    string
		lines   []string
		mention []string // in the explanation
	}{
		{"stale read after an acknowledged write", []string{
			w(0, "k", "a", 0, 10, "ok"), w(0, "k", "b", 20, 30, "ok"), r(1, "k", "a", 40, 50),
		}, []string{`key "k"`, `line 3: client 1 read "a"`, `holds "b"`}},
		{"lost write", []string{
			w(0, "k", "a", 0, 10, "ok"), r(1, "k", "", 20, 30),
		}, []string{`line 2: client 1 read absent`}},
		{"read of a value before its write was invoked", []string{
			r(1, "k", "a", 0, 10), w(0, "k", "a", 20, 30, "ok"),
		}, []string{`line 1: client 1 read "a"`}},
		{"a value read again after being overwritten (applied twice)", []string{
			w(0, "k", "a", 0, 10, "ok"), w(1, "k", "b", 5, 100, "ok"),
			r(2, "k", "a", 12, 14), r(2, "k", "b", 15, 18), r(2, "k", "a", 20, 22),
		}, []string{`line 5: client 2 read "a"`}},
		{"an unknown write applied twice", []string{
			w(0, "k", "a", 0, 10, "unknown"), w(1, "k", "b", 0, 10, "ok"),
			r(2, "k", "a", 20, 22), r(2, "k", "b", 30, 32), r(2, "k", "a", 40, 42),
		}, []string{`key "k"`}},
		{"the value of a write that definitely failed read", []string{
			w(0, "k", "a", 0, 10, "fail"), r(1, "k", "a", 20, 30),
		}, []string{`line 2`}},
		{"only the broken key is named", []string{
			w(0, "good", "a", 0, 10, "ok"), r(1, "good", "a", 20, 30),
			w(0, "bad", "x", 0, 10, "ok"), r(1, "bad", "", 20, 30),
		}, []string{`key "bad"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := check(t, c.lines...)
			if res.Verdict != porcupine.Illegal {
				t.Fatalf("verdict %s, want Illegal", res.Verdict)
			}
			for _, m := range c.mention {
				if !strings.Contains(res.Explanation, m) {
					t.Errorf("explanation does not mention %q:\n%s", m, res.Explanation)
				}
			}
			if strings.Contains(res.Explanation, `key "good"`) {
				t.Errorf("explanation names a linearizable key:\n%s", res.Explanation)
			}
		})
	}
}

func TestLinearizable(t *testing.T) {
	for _, c := range []struct {
		name  string
		lines []string
	}{
		{"reads overlapping a write see either value", []string{
			w(0, "k", "a", 0, 100, "ok"), r(1, "k", "", 10, 20), r(2, "k", "a", 30, 40), r(1, "k", "a", 50, 60),
			r(3, "k", "", 5, 95),
		}},
		{"concurrent writes, the later completion lost the race", []string{
			w(0, "k", "a", 0, 50, "ok"), w(1, "k", "b", 10, 40, "ok"), r(2, "k", "a", 60, 70),
		}},
		{"an unknown write seen much later", []string{
			w(0, "k", "a", 0, 10, "ok"), w(1, "k", "b", 20, 30, "unknown"), r(2, "k", "a", 500, 510),
			r(2, "k", "b", 1000, 1010),
		}},
		{"an unknown write never seen", []string{
			w(0, "k", "a", 0, 10, "ok"), w(1, "k", "b", 20, 30, "unknown"), r(2, "k", "a", 1000, 1010),
		}},
		{"a failed write and failed reads are left out", []string{
			w(0, "k", "a", 0, 10, "fail"), r(1, "k", "", 20, 30),
			`{"client":1,"key":"k","op":"read","value":null,"invoke_ns":40,"complete_ns":50,"outcome":"unknown"}`,
		}},
		{"keys are independent registers", []string{
			w(0, "x", "a", 0, 10, "ok"), w(1, "y", "b", 0, 10, "ok"), r(2, "x", "a", 20, 30), r(2, "y", "b", 20, 30),
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if res := check(t, c.lines...); res.Verdict != porcupine.Ok {
				t.Fatalf("verdict %s, want Ok:\n%s", res.Verdict, res.Explanation)
			}
		})
	}
}

func TestBadInputNamesTheLineAndTheProblem(t *testing.T) {
	good := w(0, "k", "a", 0, 10, "ok")
	for _, c := range []struct{ line, want string }{
		{`{"client":0,`, "line 2: not a history record"},
		{`{"client":0,"key":"k","op":"read","invoke_ns":1,"complete_ns":2}`, "line 2: missing field(s) outcome"},
		{strings.Replace(good, `"write"`, `"cas"`, 1), `line 2: op is "cas"`},
		{strings.Replace(good, `"ok"`, `"maybe"`, 1), `line 2: outcome is "maybe"`},
		{w(0, "k", "a", 10, 5, "ok"), "line 2: complete_ns 5 is before invoke_ns 10"},
		{strings.Replace(good, `"value":"a"`, `"value":null`, 1), "line 2: a write needs a value"},
		{strings.Replace(good, `"key":"k"`, `"key":""`, 1), "line 2: key is empty"},
		{strings.Replace(good, `"client":0`, `"client":0,"who":1`, 1), `line 2: not a history record (json: unknown field "who")`},
		{good + good, "line 2: more than one JSON value"},
	} {
		_, err := ReadHistory(strings.NewReader(good + "\n" + c.line + "\n"))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v, want one containing %q", c.line, err, c.want)
		}
	}
	if _, err := ReadHistory(strings.NewReader("\n\n")); err == nil || !strings.Contains(err.Error(), "no operations") {
		t.Errorf("an empty history: got %v", err)
	}
}

func TestExitStatusAndVisualization(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, lines ...string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	var out, errOut bytes.Buffer
	good := write("good.jsonl", w(0, "k", "a", 0, 10, "ok"), r(1, "k", "a", 20, 30))
	if code := run([]string{good}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "linearizable: 2 operations on 1 keys") {
		t.Errorf("good history: exit %d, out %q, err %q", code, out.String(), errOut.String())
	}
	out.Reset()
	badHistory := write("bad.jsonl", w(0, "k", "a", 0, 10, "ok"), r(1, "k", "", 20, 30))
	if code := run([]string{badHistory}, &out, &errOut); code != 1 || !strings.Contains(out.String(), "NOT linearizable") {
		t.Errorf("non-linearizable history: exit %d, out %q", code, out.String())
	}
	if html, err := os.ReadFile(filepath.Join(dir, "bad.html")); err != nil || !bytes.Contains(html, []byte("<html")) {
		t.Errorf("no visualization next to the history: %v", err)
	}
	errOut.Reset()
	malformed := write("malformed.jsonl", w(0, "k", "a", 0, 10, "ok"), "nonsense")
	if code := run([]string{malformed}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "malformed.jsonl: line 2:") {
		t.Errorf("malformed history: exit %d, err %q", code, errOut.String())
	}
	if code := run([]string{}, &out, &errOut); code != 2 {
		t.Errorf("no argument: exit %d", code)
	}
	if code := run([]string{filepath.Join(dir, "missing.jsonl")}, &out, &errOut); code != 2 {
		t.Errorf("missing file: exit %d", code)
	}
}
