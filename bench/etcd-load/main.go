// etcd-load: the same write load as `replica load` (N clients, one put at a time each, distinct keys, 64-byte
// values) against etcd, printing the same summary line, so bench/durable-writes.sh can put etcd in its table.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
)

func main() {
	endpoints := flag.String("endpoints", "127.0.0.1:2379", "comma-separated etcd client URLs")
	clients := flag.Int("clients", 4, "concurrent clients")
	duration := flag.Duration("duration", 10*time.Second, "how long to write")
	flag.Parse()

	cli, err := clientv3.New(clientv3.Config{Endpoints: strings.Split(*endpoints, ","), DialTimeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "cannot connect to etcd:", err)
		os.Exit(1)
	}
	defer cli.Close()

	value := strings.Repeat("v", 64)
	var mu sync.Mutex
	var latencies []time.Duration
	errors := 0
	start := time.Now()
	deadline := start.Add(*duration)
	var wg sync.WaitGroup
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for n := 0; time.Now().Before(deadline); n++ {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				t := time.Now()
				_, err := cli.Put(ctx, fmt.Sprintf("k-%d-%d", c, n), value)
				took := time.Since(t)
				cancel()
				mu.Lock()
				if err != nil {
					errors++
				} else {
					latencies = append(latencies, took)
				}
				mu.Unlock()
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	sort.Slice(latencies, func(i, j int) bool { return latencies[i] < latencies[j] })
	at := func(q float64) float64 {
		if len(latencies) == 0 {
			return 0
		}
		return float64(latencies[int(q*float64(len(latencies)-1))].Microseconds()) / 1000
	}
	fmt.Printf("writes: %d ok, %d errors in %.1f s = %d writes/s; latency p50 %.1f ms, p99 %.1f ms, max %.1f ms\n",
		len(latencies), errors, elapsed, int(float64(len(latencies))/elapsed), at(0.5), at(0.99), at(1))
}
