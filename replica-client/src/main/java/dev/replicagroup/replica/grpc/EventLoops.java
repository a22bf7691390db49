package dev.replicagroup.replica.grpc;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollEventLoopGroup;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A Netty event loop group with the channel types that go with it: epoll on Linux, NIO elsewhere. A replica
 * runs its server, its streams to its peers and (in memory) its engine on one such loop of one thread, so that a
 * write crosses no thread on its way in, through the protocol and out again.
 */
public record EventLoops(
        EventLoopGroup group,
        Class<? extends ServerSocketChannel> serverChannelType,
        Class<? extends SocketChannel> channelType)
        implements AutoCloseable {

    /** A group of {@code threads} daemon threads named {@code name-N}. */
    public static EventLoops of(String name, int threads) {
        DefaultThreadFactory threadFactory = new DefaultThreadFactory(name, true);
        if (Epoll.isAvailable()) {
            return new EventLoops(
                    new EpollEventLoopGroup(threads, threadFactory),
                    EpollServerSocketChannel.class,
                    EpollSocketChannel.class);
        }
        return new EventLoops(
                new NioEventLoopGroup(threads, threadFactory), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** Stops the threads, waiting up to 5 s for the tasks already queued. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(6, TimeUnit.SECONDS);
    }
}
