package io.jamesdmarc.cli.web;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;

import io.jamesdmarc.storage.Database;
import io.jamesdmarc.storage.reporting.DashboardQueries;
import io.jamesdmarc.storage.reporting.DashboardSummaries;

/**
 * The HTTP API and the dashboard of {@code dmarc serve}: the JDK's HTTP server on a small pool of
 * threads. Binding to anything but a loopback address needs a token: the API then answers only
 * requests carrying it ({@code Authorization: Bearer <token>}).
 *
 * <pre>
 * try (DashboardServer server = DashboardServer.start(settings, database, ReverseNames.OFF, Clock.systemUTC())) {
 *     System.out.println(server.url());
 *     ...
 * }
 * </pre>
 */
public final class DashboardServer implements AutoCloseable {

    /**
     * How to serve.
     *
     * @param bind address and port (0: any free port)
     * @param token required from API clients when present
     * @param threads requests answered at once
     * @param demo whether the data is the demo's (the page says so)
     * @param cacheAnswers whether to reuse the database's answers while no report arrives (see AnswerCache); off to measure the database
     */
    public record Settings(InetSocketAddress bind, Optional<String> token, int threads, boolean demo, boolean cacheAnswers) {

        public Settings(InetSocketAddress bind, Optional<String> token, int threads, boolean demo) {
            this(bind, token, threads, demo, true);
        }

        public Settings {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(token, "token");
            token = token.filter(value -> !value.isBlank());
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("threads must be between 1 and 64, was " + threads);
            }
            if (token.isEmpty() && !bind.getAddress().isLoopbackAddress()) {
                throw new IllegalArgumentException("serving on " + bind.getAddress().getHostAddress()
                    + " (not a loopback address) needs a token: give --token, or set $DMARC_API_TOKEN");
            }
        }
    }

    static {
        // the JDK's server writes a response's headers and body apart: without TCP_NODELAY, Nagle's algorithm holds the body
        // back until the client's delayed ACK, 40 ms on Linux, for every answer bigger than a packet. Read once, when the
        // server classes load: set before the first server is created.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final SummaryKeeper summaries;

    private DashboardServer(HttpServer server, ExecutorService threads, SummaryKeeper summaries) {
        this.server = server;
        this.threads = threads;
        this.summaries = summaries;
    }

    /**
     * Summarizes every stored report not summarized yet (see {@link DashboardSummaries}), then
     * starts serving; reports stored later are summarized as they come.
     *
     * @throws IOException the address cannot be bound (in use, not an address of this machine)
     * @throws SQLException the database failed while summarizing
     */
    public static DashboardServer start(Settings settings, Database database, ReverseNames names, Clock clock)
        throws IOException, SQLException {
        DashboardSummaries summaries = database.dashboardSummaries();
        while (summaries.catchUp(1_000) > 0) {
            // all of them before the first answer: figures are never shown half-summarized at start
        }
        HttpServer server = HttpServer.create(settings.bind(), 64);
        AtomicInteger number = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(settings.threads(), runnable -> {
            Thread thread = new Thread(runnable, "dmarc serve " + number.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        DashboardQueries queries = database.dashboardQueries();
        SummaryKeeper keeper = new SummaryKeeper(summaries);
        AnswerCache cache = settings.cacheAnswers() ? AnswerCache.keeping(queries::dataVersion) : AnswerCache.none();
        server.createContext("/api/", new ApiHandler(new ApiEndpoints(queries, keeper, names, clock, cache), settings.token()));
        String version = Optional.ofNullable(DashboardServer.class.getPackage().getImplementationVersion()).orElse("development build");
        server.createContext("/", new DashboardAssets(new ApiViews.ConfigResponse(settings.demo(), settings.token().isPresent(), version,
            LocalDate.now(clock).toString())));
        server.start();
        return new DashboardServer(server, threads, keeper);
    }

    public InetSocketAddress address() {
        return server.getAddress();
    }

    /** Where the dashboard is: the bound address, or 127.0.0.1 when bound to every address. */
    public URI url() {
        InetAddress address = address().getAddress();
        String host = address.isAnyLocalAddress() ? "127.0.0.1"
            : address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress();
        return URI.create("http://" + host + ":" + address().getPort() + "/");
    }

    @Override
    public void close() {
        summaries.close();
        server.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
