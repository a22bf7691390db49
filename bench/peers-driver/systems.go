package main

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	pb "replicagroup.dev/bench/peers-driver/replicapb"
)

// replicaSystem asks the first replica that answers which one is the primary (GetServers, as the client library
// does), and connects every client there.
func replicaSystem(endpoints []string) (func() (writer, error), error) {
	var primary string
	var last error
	for _, e := range endpoints {
		conn, err := grpc.NewClient(e, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return nil, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		list, err := pb.NewCloneClient(conn).GetServers(ctx, &pb.GetServersRequest{})
		cancel()
		conn.Close()
		if err == nil && list.GetPrimary() != "" {
			primary = list.GetPrimary()
			break
		}
		last = fmt.Errorf("%s names no primary: %v", e, err)
	}
	if primary == "" {
		return nil, last
	}
	n := 0
	return func() (writer, error) {
		conn, err := grpc.NewClient(primary, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			return nil, err
		}
		n++
		w := &replicaWriter{conn: conn, stub: pb.NewCloneClient(conn), id: fmt.Sprintf("peers-driver-%d-%d", time.Now().UnixNano(), n)}
		// Connects now, so that the measurement does not.
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := w.stub.Echo(ctx, &pb.EchoRequest{Text: "hello"}); err != nil {
			conn.Close()
			return nil, fmt.Errorf("primary %s: %w", primary, err)
		}
		return w, nil
	}, nil
}

// replicaWriter writes as the client library does: a write id (this client's id, its next sequence number) with
// every Put, which makes a retry apply once.
type replicaWriter struct {
	conn *grpc.ClientConn
	stub pb.CloneClient
	id   string
	seq  uint64
}

func (w *replicaWriter) write(ctx context.Context, key string, value []byte) error {
	w.seq++
	_, err := w.stub.Put(ctx, &pb.PutRequest{Id: &pb.WriteId{ClientId: w.id, RequestSeq: w.seq}, Key: key, Value: value})
	return err
}

func (w *replicaWriter) close() { w.conn.Close() }

// redisSystem connects each client to the primary with a connection of its own.
func redisSystem(primary string) func() (writer, error) {
	return func() (writer, error) {
		c := redis.NewClient(&redis.Options{Addr: primary, PoolSize: 1, MinIdleConns: 1, ReadTimeout: -1, ContextTimeoutEnabled: true})
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := c.Ping(ctx).Err(); err != nil {
			c.Close()
			return nil, fmt.Errorf("redis %s: %w", primary, err)
		}
		return redisWriter{c}, nil
	}
}

type redisWriter struct{ c *redis.Client }

// write sends SET and WAIT 1 0 in one round trip: acknowledged once a replica has the write, as ours is with one
// helper's ack.
func (w redisWriter) write(ctx context.Context, key string, value []byte) error {
	pipe := w.c.Pipeline()
	pipe.Set(ctx, key, value, 0)
	wait := pipe.Do(ctx, "WAIT", 1, 0)
	if _, err := pipe.Exec(ctx); err != nil {
		return err
	}
	if n, err := wait.Int(); err != nil || n < 1 {
		return fmt.Errorf("WAIT 1 0: %d replicas, %v", n, err)
	}
	return nil
}

func (w redisWriter) close() { w.c.Close() }

// etcdSystem finds the leader (the member whose id is the leader its status names) and connects each client
// there, as ours go to the primary: a follower would forward every write.
func etcdSystem(endpoints []string) (func() (writer, error), error) {
	var leader string
	for _, e := range endpoints {
		c, err := clientv3.New(clientv3.Config{Endpoints: []string{e}, DialTimeout: 5 * time.Second})
		if err != nil {
			return nil, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s, err := c.Status(ctx, e)
		cancel()
		c.Close()
		if err == nil && s.Header.MemberId == s.Leader {
			leader = e
			break
		}
	}
	if leader == "" {
		return nil, fmt.Errorf("no etcd leader among %v", endpoints)
	}
	return func() (writer, error) {
		c, err := clientv3.New(clientv3.Config{Endpoints: []string{leader}, DialTimeout: 5 * time.Second})
		if err != nil {
			return nil, err
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if _, err := c.Status(ctx, leader); err != nil {
			c.Close()
			return nil, fmt.Errorf("etcd %s: %w", leader, err)
		}
		return etcdWriter{c}, nil
	}, nil
}

type etcdWriter struct{ c *clientv3.Client }

func (w etcdWriter) write(ctx context.Context, key string, value []byte) error {
	_, err := w.c.Put(ctx, key, string(value))
	return err
}

func (w etcdWriter) close() { w.c.Close() }
