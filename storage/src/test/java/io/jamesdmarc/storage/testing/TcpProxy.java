package io.jamesdmarc.storage.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.jamesdmarc.storage.DatabaseConfig;

/**
 * A TCP proxy on 127.0.0.1 in front of the test database: {@link #stop()} cuts every connection and
 * refuses new ones, as a database host that goes down; {@link #start()} listens again on the same
 * port, as one that comes back.
 *
 * <pre>
 * try (TcpProxy proxy = TcpProxy.before(DB.config())) {
 *     Database database = Database.open(proxy.config());
 *     ...
 *     proxy.stop();   // the database is gone
 *     proxy.start();  // and back
 * }
 * </pre>
 */
public final class TcpProxy implements AutoCloseable {

    private static final Pattern HOST_PORT = Pattern.compile("^(jdbc:mariadb://)([^/:]+)(?::(\\d+))?(/.*)$");

    private final DatabaseConfig target;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket server;
    private int port;

    private TcpProxy(DatabaseConfig target, String targetHost, int targetPort) {
        this.target = target;
        this.targetHost = targetHost;
        this.targetPort = targetPort;
    }

    /** A started proxy to the database of {@code config}. */
    public static TcpProxy before(DatabaseConfig config) {
        Matcher url = HOST_PORT.matcher(config.url());
        if (!url.matches()) {
            throw new IllegalArgumentException("not a jdbc:mariadb://host:port/database URL: " + config.redactedUrl());
        }
        TcpProxy proxy = new TcpProxy(config, url.group(2), url.group(3) == null ? 3306 : Integer.parseInt(url.group(3)));
        proxy.start();
        return proxy;
    }

    /** The target's settings with the proxy's address. */
    public DatabaseConfig config() {
        Matcher url = HOST_PORT.matcher(target.url());
        url.matches();
        return new DatabaseConfig(url.group(1) + "127.0.0.1:" + port + url.group(4), target.user(), target.password(), target.poolSize());
    }

    /** Listens (again, on the same port) and forwards. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            port = socket.getLocalPort();
            server = socket;
            Thread.ofVirtual().name("tcp-proxy-accept-" + port).start(() -> accept(socket));
        } catch (IOException e) {
            throw new UncheckedIOException("the proxy cannot listen on port " + port, e);
        }
    }

    /** Cuts every connection and stops listening: connecting is refused until {@link #start()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        closeQuietly(server);
        server = null;
        for (Socket socket : sockets) {
            try {
                socket.setSoLinger(true, 0); // a reset, as from a host that went away
            } catch (IOException alreadyClosed) {
                // closing it is all that is left
            }
            closeQuietly(socket);
        }
        sockets.clear();
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            Socket client;
            try {
                client = listening.accept();
            } catch (IOException closed) {
                return;
            }
            try {
                Socket upstream = new Socket(targetHost, targetPort);
                // no Nagle delays: the driver's small request packets must not wait for ACKs
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                synchronized (this) {
                    if (server != listening) {
                        closeQuietly(client);
                        closeQuietly(upstream);
                        return;
                    }
                    sockets.add(client);
                    sockets.add(upstream);
                }
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // a side went away: close both
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // nothing to do: it is being thrown away
        }
    }

    @Override
    public void close() {
        stop();
    }
}
