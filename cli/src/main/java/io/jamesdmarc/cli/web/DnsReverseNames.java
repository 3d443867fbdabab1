package io.jamesdmarc.cli.web;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ReverseMap;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

import io.jamesdmarc.model.dns.DnsAnswer;
import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.RecordType;

/**
 * PTR names looked up with the model's {@link DnsResolver} on a few background threads: the first
 * request for an address answers {@link ReverseNames.Status#PENDING} and starts the lookup, later
 * ones get the name. Answers are kept for {@link #KEEP_ANSWERS} (failures for {@link #KEEP_FAILURES},
 * then asked again); when too many lookups wait, new ones are left for a later request.
 */
public final class DnsReverseNames implements ReverseNames {

    static final Duration KEEP_ANSWERS = Duration.ofHours(6);
    static final Duration KEEP_FAILURES = Duration.ofMinutes(2);
    private static final int THREADS = 4;
    private static final int QUEUE = 2_000;
    private static final int CACHE_SIZE = 100_000;

    private static final Logger LOGGER = LoggerFactory.getLogger(DnsReverseNames.class);

    private final DnsResolver resolver;
    private final Cache<InetAddress, Name> answers = CacheBuilder.newBuilder().maximumSize(CACHE_SIZE)
        .expireAfterWrite(KEEP_ANSWERS).build();
    private final Cache<InetAddress, Name> failures = CacheBuilder.newBuilder().maximumSize(CACHE_SIZE)
        .expireAfterWrite(KEEP_FAILURES).build();
    private final Cache<InetAddress, Boolean> pending = CacheBuilder.newBuilder().maximumSize(QUEUE * 2L)
        .expireAfterWrite(Duration.ofMinutes(1)).build();
    private final ThreadPoolExecutor lookups;

    public DnsReverseNames(DnsResolver resolver) {
        this.resolver = resolver;
        this.lookups = new ThreadPoolExecutor(THREADS, THREADS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE), runnable -> {
            Thread thread = new Thread(runnable, "dmarc reverse DNS");
            thread.setDaemon(true);
            return thread;
        });
        lookups.allowCoreThreadTimeOut(true);
    }

    @Override
    public Name lookup(InetAddress address) {
        Name known = answers.getIfPresent(address);
        if (known == null) {
            known = failures.getIfPresent(address);
        }
        if (known != null) {
            return known;
        }
        if (pending.asMap().putIfAbsent(address, Boolean.TRUE) == null) {
            try {
                lookups.execute(() -> resolve(address));
            } catch (RejectedExecutionException e) {
                // too many waiting: a later request asks again
                pending.invalidate(address);
            }
        }
        return Name.PENDING;
    }

    private void resolve(InetAddress address) {
        try {
            String reverse = ReverseMap.fromAddress(address).toString();
            DnsAnswer answer = resolver.lookup(reverse, RecordType.PTR);
            switch (answer.status()) {
                case FOUND -> answers.put(address, Name.found(withoutDot(answer.records().get(0))));
                case NXDOMAIN, NO_DATA -> answers.put(address, Name.NONE);
                default -> {
                    LOGGER.debug("reverse DNS of {}: {}", address.getHostAddress(), answer.detail());
                    failures.put(address, Name.FAILED);
                }
            }
        } catch (RuntimeException e) {
            LOGGER.debug("reverse DNS of {} failed", address.getHostAddress(), e);
            failures.put(address, Name.FAILED);
        } finally {
            pending.invalidate(address);
        }
    }

    private static String withoutDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    /** For tests: the name once the lookup is done, waiting at most {@code timeout}. */
    Optional<Name> awaitDone(InetAddress address, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Name name = lookup(address);
            if (name.status() != Status.PENDING) {
                return Optional.of(name);
            }
            Thread.sleep(20);
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        lookups.shutdownNow();
    }
}
