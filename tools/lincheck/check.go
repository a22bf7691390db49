package main

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/anishathalye/porcupine"
)

// register is the state of one key: absent until the first write applies.
type register struct {
	present bool
	value   string
}

func (r register) String() string {
	if !r.present {
		return "absent"
	}
	return fmt.Sprintf("%q", r.value)
}

// input of a porcupine operation; the output of a read is the register it returned.
type input struct {
	write bool
	value string
}

// registerModel is one register per key: the history's partitions are its keys.
var registerModel = porcupine.Model{
	Partition: func(history []porcupine.Operation) [][]porcupine.Operation {
		byKey := map[string][]porcupine.Operation{}
		for _, op := range history {
			key := op.Metadata.(Op).Key
			byKey[key] = append(byKey[key], op)
		}
		keys := make([]string, 0, len(byKey))
		for k := range byKey {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		parts := make([][]porcupine.Operation, len(keys))
		for i, k := range keys {
			parts[i] = byKey[k]
		}
		return parts
	},
	Init: func() any { return register{} },
	Step: func(state, in, out any) (bool, any) {
		i := in.(input)
		if i.write {
			return true, register{present: true, value: i.value}
		}
		return out.(register) == state.(register), state
	},
	DescribeOperation: func(in, out any) string {
		i := in.(input)
		if i.write {
			return fmt.Sprintf("write %q", i.value)
		}
		return "read " + out.(register).String()
	},
	DescribeState:             func(state any) string { return state.(register).String() },
	DescribeOperationMetadata: func(m any) string { return describe(m.(Op)) },
}

// Summary counts what a history holds.
type Summary struct {
	Ops, Keys, Writes, Reads, Unknown, Dropped int
}

// Result of one check; Explanation is empty when the history is linearizable.
type Result struct {
	Verdict     porcupine.CheckResult
	Summary     Summary
	Explanation string
	Elapsed     time.Duration
	info        porcupine.LinearizationInfo
}

// Operations turns the history into porcupine's: a failed operation is dropped (a failed write did not apply,
// a failed or unknown read returned nothing to check); an unknown write may take effect at any moment after its
// invocation, so it returns at +infinity.
func Operations(history []Op) ([]porcupine.Operation, Summary) {
	clients := map[int]int{} // porcupine's visualization wants dense client ids
	keys := map[string]bool{}
	var ops []porcupine.Operation
	s := Summary{Ops: len(history)}
	for _, op := range history {
		if op.Outcome == outcomeFail || (!op.Write && op.Outcome == outcomeUnknown) {
			s.Dropped++
			continue
		}
		client, seen := clients[op.Client]
		if !seen {
			client = len(clients)
			clients[op.Client] = client
		}
		keys[op.Key] = true
		p := porcupine.Operation{ClientId: client, Call: op.InvokeNs, Return: op.CompleteNs, Metadata: op}
		if op.Write {
			s.Writes++
			p.Input = input{write: true, value: *op.Value}
			p.Output = register{}
			if op.Outcome == outcomeUnknown {
				s.Unknown++
				p.Return = math.MaxInt64
			}
		} else {
			s.Reads++
			p.Input = input{}
			p.Output = register{present: op.Value != nil, value: deref(op.Value)}
		}
		ops = append(ops, p)
	}
	s.Keys = len(keys)
	return ops, s
}

// Check decides whether the history is linearizable within timeout (0: no limit).
func Check(history []Op, timeout time.Duration) Result {
	ops, summary := Operations(history)
	start := time.Now()
	verdict, info := porcupine.CheckOperationsVerbose(registerModel, ops, timeout)
	r := Result{Verdict: verdict, Summary: summary, Elapsed: time.Since(start), info: info}
	if verdict == porcupine.Illegal {
		r.Explanation = explain(registerModel.Partition(ops), info)
	}
	return r
}

// explain names each key whose operations have no linearization: the longest order found for it, the register's
// value after it, and the operations that could have come next but contradict that value.
func explain(partitions [][]porcupine.Operation, info porcupine.LinearizationInfo) string {
	var b strings.Builder
	for p, partials := range info.PartialLinearizationsOperations() {
		ops := partitions[p]
		var longest []porcupine.Operation
		for _, l := range partials {
			if len(l) > len(longest) {
				longest = l
			}
		}
		if len(longest) == len(ops) {
			continue
		}
		key := ops[0].Metadata.(Op).Key
		state := register{}
		placed := map[int]bool{}
		for _, op := range longest {
			_, next := registerModel.Step(state, op.Input, op.Output)
			state = next.(register)
			placed[op.Metadata.(Op).Line] = true
		}
		var rest []porcupine.Operation
		earliestReturn := int64(math.MaxInt64)
		for _, op := range ops {
			if !placed[op.Metadata.(Op).Line] {
				rest = append(rest, op)
				earliestReturn = min(earliestReturn, op.Return)
			}
		}
		fmt.Fprintf(&b, "key %q: no order of its %d operations is legal for a register. ", key, len(ops))
		if len(longest) == 0 {
			b.WriteString("Not even a first operation fits: the register starts absent.\n")
		} else {
			fmt.Fprintf(&b, "The longest legal order places %d of them, ending with\n", len(longest))
			for _, op := range longest[max(0, len(longest)-3):] {
				fmt.Fprintf(&b, "    %s\n", describe(op.Metadata.(Op)))
			}
			fmt.Fprintf(&b, "  after which the register holds %s.\n", state)
		}
		b.WriteString("  None of the operations that could come next (invoked before any of the rest completed) is legal there:\n")
		for _, op := range rest {
			if op.Call <= earliestReturn {
				fmt.Fprintf(&b, "    %s\n", describe(op.Metadata.(Op)))
			}
		}
	}
	return b.String()
}

func describe(op Op) string {
	what := "read " + register{present: op.Value != nil, value: deref(op.Value)}.String()
	if op.Write {
		what = fmt.Sprintf("write %q", deref(op.Value))
	}
	done := fmt.Sprintf("%d ns", op.CompleteNs)
	if op.Write && op.Outcome == outcomeUnknown {
		done = "unknown (gave up at " + done + ")"
	}
	return fmt.Sprintf("line %d: client %d %s, invoked %d ns, completed %s", op.Line, op.Client, what, op.InvokeNs, done)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
