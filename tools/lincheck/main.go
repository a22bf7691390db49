// Command lincheck checks a load history (JSON lines, see history.go) for linearizability, one register per key,
// with Porcupine. Exit status: 0 linearizable, 1 not (with an explanation on stdout and Porcupine's HTML
// visualization written next to the history), 2 bad input or usage, 3 undecided within -timeout.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("lincheck", flag.ContinueOnError)
	flags.SetOutput(stderr)
	timeout := flags.Duration("timeout", time.Minute, "give up (exit 3) after this long; 0: no limit")
	html := flags.String("html", "", "where to write the visualization when not linearizable (default: HISTORY.html)")
	flags.Usage = func() {
		fmt.Fprintln(stderr, "usage: lincheck [-timeout 1m] [-html FILE] HISTORY.jsonl")
		flags.PrintDefaults()
	}
	if err := flags.Parse(args); err != nil {
		return 2
	}
	if flags.NArg() != 1 {
		fmt.Fprintf(stderr, "lincheck: expected one history file, got %d arguments\n", flags.NArg())
		flags.Usage()
		return 2
	}
	path := flags.Arg(0)
	file, err := os.Open(path)
	if err != nil {
		fmt.Fprintf(stderr, "lincheck: %v\n", err)
		return 2
	}
	history, err := ReadHistory(file)
	file.Close()
	var badInput *BadInput
	if errors.As(err, &badInput) {
		fmt.Fprintf(stderr, "lincheck: %s: %v\n", path, err)
		return 2
	} else if err != nil {
		fmt.Fprintf(stderr, "lincheck: reading %s: %v\n", path, err)
		return 2
	}
	r := Check(history, *timeout)
	s := r.Summary
	counts := fmt.Sprintf("%d operations on %d keys (%d writes of which %d unknown, %d reads; %d failed or unknown"+
		" reads and failed writes left out), checked in %d ms", s.Ops, s.Keys, s.Writes, s.Unknown, s.Reads, s.Dropped,
		r.Elapsed.Milliseconds())
	switch r.Verdict {
	case porcupine.Ok:
		fmt.Fprintf(stdout, "linearizable: %s\n", counts)
		return 0
	case porcupine.Unknown:
		fmt.Fprintf(stdout, "undecided: no answer within %v for %s; raise -timeout\n", *timeout, counts)
		return 3
	}
	if *html == "" {
		*html = strings.TrimSuffix(path, ".jsonl") + ".html"
	}
	fmt.Fprintf(stdout, "NOT linearizable: %s\n%s", counts, r.Explanation)
	if err := porcupine.VisualizePath(registerModel, r.info, *html); err != nil {
		fmt.Fprintf(stderr, "lincheck: writing the visualization %s: %v\n", *html, err)
	} else {
		fmt.Fprintf(stdout, "visualization: %s\n", *html)
	}
	return 1
}
