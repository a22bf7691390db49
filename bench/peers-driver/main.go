// peers-driver: one write load, one runtime, for three systems, so that their figures compare: a ReplicaGroup
// (the Clone service's Put with a write id, to the primary, as `replica load` writes), Redis (SET then WAIT 1 0,
// pipelined: acknowledged once a replica holds it) and etcd (Put to the leader). N clients, each with a connection
// of its own and one write at a time, distinct keys, 64-byte values; for each client count a warm-up that is not
// counted, then a fixed duration, the clock started once every client is connected. Prints one summary line per
// client count (the format of `replica load`, which bench/durable-writes.sh parses), with the CPU time the server
// processes (-pids) spent per acknowledged write.
//
// replicapb/ is generated from replica-api's replicagroup.proto and committed, so that the bench needs no protoc.
// After a change to the proto, from the repository's root (protoc from ~/.m2's com/google/protobuf/protoc, made
// executable; protoc-gen-go and protoc-gen-go-grpc go-installed from google.golang.org/protobuf and grpc):
//
//	M=Mreplicagroup.proto=replicagroup.dev/bench/peers-driver/replicapb
//	protoc -I replica-api/src/main/proto --go_out=bench/peers-driver/replicapb --go-grpc_out=bench/peers-driver/replicapb \
//	  --go_opt=paths=source_relative,$M --go-grpc_opt=paths=source_relative,$M replicagroup.proto
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
)

// A writer is one client's connection: one write at a time.
type writer interface {
	write(ctx context.Context, key string, value []byte) error
	close()
}

func main() {
	system := flag.String("system", "replica", "replica, redis or etcd")
	endpoints := flag.String("endpoints", "127.0.0.1:7000", "comma-separated addresses: any replica (it names"+
		" the primary), the Redis primary, or the etcd members (the leader is found)")
	clientList := flag.String("clients", "1,4,16", "comma-separated client counts, one measurement each")
	warmup := flag.Duration("warmup", 3*time.Second, "writes before each measurement that are not counted")
	duration := flag.Duration("duration", 10*time.Second, "how long each measurement writes")
	pidList := flag.String("pids", "", "comma-separated server process ids whose CPU time is reported per write")
	flag.Parse()

	counts, err := ints(*clientList)
	fail(err, "-clients")
	pids, err := ints(*pidList)
	fail(err, "-pids")
	connect, err := systems(*system, strings.Split(*endpoints, ","))
	fail(err, *system)
	for _, n := range counts {
		r, err := measure(connect, n, *warmup, *duration, pids)
		fail(err, *system)
		fmt.Println(r)
	}
}

// systems returns how one client of the named system connects.
func systems(name string, endpoints []string) (func() (writer, error), error) {
	switch name {
	case "replica":
		return replicaSystem(endpoints)
	case "redis":
		return redisSystem(endpoints[0]), nil
	case "etcd":
		return etcdSystem(endpoints)
	}
	return nil, fmt.Errorf("unknown system %q (replica, redis or etcd)", name)
}

type result struct {
	clients     int
	ok, errors  int64
	elapsed     time.Duration
	latencies   *hdrhistogram.Histogram
	cpu         time.Duration
	cpuMeasured bool
}

func (r result) String() string {
	ms := func(q float64) float64 { return float64(r.latencies.ValueAtQuantile(q)) / 1000 }
	s := fmt.Sprintf("writes: %d ok, %d errors in %.1f s = %d writes/s; latency p50 %.2f ms, p99 %.2f ms, max %.2f ms",
		r.ok, r.errors, r.elapsed.Seconds(), int64(float64(r.ok)/r.elapsed.Seconds()), ms(50), ms(99),
		float64(r.latencies.Max())/1000)
	if r.cpuMeasured && r.ok > 0 {
		s += fmt.Sprintf("; server CPU %.3f ms/write", float64(r.cpu.Microseconds())/1000/float64(r.ok))
	}
	return s + fmt.Sprintf("; clients %d", r.clients)
}

// measure connects n clients, lets them write for warmup, then counts what they do for duration.
func measure(connect func() (writer, error), n int, warmup, duration time.Duration, pids []int) (result, error) {
	writers := make([]writer, n)
	for i := range writers {
		w, err := connect()
		if err != nil {
			return result{}, err
		}
		defer w.close()
		writers[i] = w
	}
	value := []byte(strings.Repeat("v", 64))
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	// Each client's histogram is its own (no lock on the hot path); merged at the end. Microseconds, 1 µs to 1 min.
	hists := make([]*hdrhistogram.Histogram, n)
	errs := make([]int64, n)
	var warm, measuring sync.WaitGroup
	warm.Add(n)
	measuring.Add(n)
	start := make(chan struct{})
	var deadline time.Time
	warmEnd := time.Now().Add(warmup)
	for c, w := range writers {
		hists[c] = hdrhistogram.New(1, 60_000_000, 3)
		go func(c int, w writer) {
			defer measuring.Done()
			k := 0
			put := func() (time.Duration, error) {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				k++
				t := time.Now()
				err := w.write(ctx, fmt.Sprintf("peers-%s-%d-%d", run, c, k), value)
				return time.Since(t), err
			}
			for time.Now().Before(warmEnd) {
				_, _ = put()
			}
			warm.Done()
			<-start
			for time.Now().Before(deadline) {
				took, err := put()
				if err != nil {
					errs[c]++
					continue
				}
				_ = hists[c].RecordValue(took.Microseconds())
			}
		}(c, w)
	}
	warm.Wait()
	cpuBefore, cpuErr := cpuTime(pids)
	began := time.Now()
	deadline = began.Add(duration)
	close(start)
	measuring.Wait()
	elapsed := time.Since(began)
	cpuAfter, _ := cpuTime(pids)
	r := result{clients: n, elapsed: elapsed, latencies: hdrhistogram.New(1, 60_000_000, 3),
		cpu: cpuAfter - cpuBefore, cpuMeasured: len(pids) > 0 && cpuErr == nil}
	for c := range hists {
		r.latencies.Merge(hists[c])
		r.errors += errs[c]
	}
	r.ok = r.latencies.TotalCount()
	return r, nil
}

// cpuTime is the user + system time of the processes so far, from /proc/<pid>/stat (fields 14 and 15, in clock
// ticks: USER_HZ, 100 on Linux whatever the kernel's HZ).
func cpuTime(pids []int) (time.Duration, error) {
	var ticks int64
	for _, pid := range pids {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			return 0, err
		}
		// The command name (field 2) may hold spaces: count fields after its closing parenthesis.
		fields := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))
		for _, f := range fields[11:13] {
			t, err := strconv.ParseInt(f, 10, 64)
			if err != nil {
				return 0, err
			}
			ticks += t
		}
	}
	return time.Duration(ticks) * 10 * time.Millisecond, nil
}

func ints(list string) ([]int, error) {
	var out []int
	for _, s := range strings.Split(list, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

func fail(err error, what string) {
	if err != nil {
		fmt.Fprintf(os.Stderr, "peers-driver: %s: %v\n", what, err)
		os.Exit(1)
	}
}
