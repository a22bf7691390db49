package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
)

// Record is one line of a history file, as the load command writes it (replica-client's
// dev.replicagroup.replica.load.HistoryFile): times are on one monotonic clock for the whole run.
type Record struct {
	Client     *int    `json:"client"`
	Key        *string `json:"key"`
	Op         *string `json:"op"`
	Value      *string `json:"value"`
	InvokeNs   *int64  `json:"invoke_ns"`
	CompleteNs *int64  `json:"complete_ns"`
	Outcome    *string `json:"outcome"`
}

// Op is a validated operation. Value is nil for a read that found the key absent.
type Op struct {
	Line       int
	Client     int
	Key        string
	Write      bool
	Value      *string
	InvokeNs   int64
	CompleteNs int64
	Outcome    string
}

// Outcomes: ok (done, with the value read), fail (the server definitely did not apply it), unknown (its fate
// cannot be known: a write may have applied at any time after its invocation).
const (
	outcomeOK      = "ok"
	outcomeFail    = "fail"
	outcomeUnknown = "unknown"
)

// BadInput is a history that cannot be checked; the message names the line and what is wrong with it.
type BadInput struct{ msg string }

func (e *BadInput) Error() string { return e.msg }

func bad(line int, format string, args ...any) error {
	return &BadInput{fmt.Sprintf("line %d: %s", line, fmt.Sprintf(format, args...))}
}

const formatHint = `expected one JSON object a line: {"client":0,"key":"k","op":"write","value":"v1",` +
	`"invoke_ns":10,"complete_ns":20,"outcome":"ok"} (op read|write, outcome ok|fail|unknown, value null for a read of an absent key)`

// ReadHistory parses and validates every line; blank lines are skipped.
func ReadHistory(r io.Reader) ([]Op, error) {
	var ops []Op
	scanner := bufio.NewScanner(r)
	scanner.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	line := 0
	for scanner.Scan() {
		line++
		text := bytes.TrimSpace(scanner.Bytes())
		if len(text) == 0 {
			continue
		}
		op, err := parseLine(line, text)
		if err != nil {
			return nil, err
		}
		ops = append(ops, op)
	}
	if err := scanner.Err(); err != nil {
		return nil, &BadInput{fmt.Sprintf("line %d: %v", line+1, err)}
	}
	if len(ops) == 0 {
		return nil, &BadInput{"the history has no operations; " + formatHint}
	}
	return ops, nil
}

func parseLine(line int, text []byte) (Op, error) {
	var rec Record
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return Op{}, bad(line, "not a history record (%v); %s", err, formatHint)
	}
	if dec.More() {
		return Op{}, bad(line, "more than one JSON value on the line; %s", formatHint)
	}
	var missing []string
	for name, present := range map[string]bool{
		"client": rec.Client != nil, "key": rec.Key != nil, "op": rec.Op != nil, "invoke_ns": rec.InvokeNs != nil,
		"complete_ns": rec.CompleteNs != nil, "outcome": rec.Outcome != nil,
	} {
		if !present {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		slices.Sort(missing)
		return Op{}, bad(line, "missing field(s) %s; %s", strings.Join(missing, ", "), formatHint)
	}
	op := Op{Line: line, Client: *rec.Client, Key: *rec.Key, Value: rec.Value, InvokeNs: *rec.InvokeNs,
		CompleteNs: *rec.CompleteNs, Outcome: *rec.Outcome}
	switch *rec.Op {
	case "write":
		op.Write = true
		if rec.Value == nil && op.Outcome != outcomeFail {
			return Op{}, bad(line, "a write needs a value (got null)")
		}
	case "read":
	default:
		return Op{}, bad(line, `op is %q; it must be "read" or "write"`, *rec.Op)
	}
	switch op.Outcome {
	case outcomeOK, outcomeFail, outcomeUnknown:
	default:
		return Op{}, bad(line, `outcome is %q; it must be "ok", "fail" or "unknown"`, op.Outcome)
	}
	if op.Key == "" {
		return Op{}, bad(line, "key is empty")
	}
	if op.InvokeNs < 0 || op.CompleteNs == math.MaxInt64 {
		return Op{}, bad(line, "times must be in [0, %d) ns, got invoke_ns %d, complete_ns %d",
			int64(math.MaxInt64), op.InvokeNs, op.CompleteNs)
	}
	if op.CompleteNs < op.InvokeNs {
		return Op{}, bad(line, "complete_ns %d is before invoke_ns %d", op.CompleteNs, op.InvokeNs)
	}
	return op, nil
}
