package io.jamesdmarc.model.dns;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * Asks DNS questions over the wire (dnsjava) and keeps the answers as long as their TTL allows.
 *
 * <p>Unlike James's {@code DNSService}, a timeout or SERVFAIL is never turned into "no record":
 * it is a {@link DnsStatus#TEMPFAIL} answer, never cached, so that DMARC reports a temperror
 * and the next message asks again. Negative answers are cached for the SOA minimum (RFC 2308).
 *
 * <p>Thread-safe: one instance serves every spool thread.
 */
public final class DnsResolver {
    private static final Logger LOG = LoggerFactory.getLogger(DnsResolver.class);

    private final DnsSettings settings;
    private final List<SimpleResolver> servers;
    private final Cache<CacheKey, CachedAnswer> cache;
    private final LongSupplier nanoClock;
    private final AtomicLong queriesSent = new AtomicLong();

    public DnsResolver(DnsSettings settings) {
        this(settings, System::nanoTime);
    }

    /** With another clock, so that tests can step over TTLs. */
    DnsResolver(DnsSettings settings, LongSupplier nanoClock) {
        this.settings = settings;
        this.nanoClock = nanoClock;
        this.servers = settings.servers().stream().map(address -> {
            SimpleResolver resolver = new SimpleResolver(address);
            resolver.setTimeout(settings.timeout());
            return resolver;
        }).toList();
        this.cache = CacheBuilder.newBuilder().maximumSize(settings.cacheSize()).build();
    }

    public DnsSettings settings() {
        return settings;
    }

    /** The TXT records at {@code name}, each record's strings joined with nothing between them. */
    public DnsAnswer txt(String name) {
        return lookup(name, RecordType.TXT);
    }

    /**
     * Answers from the cache while the TTL lasts, from the servers otherwise.
     *
     * @param name an A-label domain name, with or without the trailing dot, any case
     */
    public DnsAnswer lookup(String name, RecordType type) {
        String normalized = normalize(name);
        Name wireName;
        try {
            if (normalized.isEmpty()) {
                return new DnsAnswer(normalized, type, DnsStatus.INVALID_NAME, List.of(), "empty name");
            }
            wireName = Name.fromString(normalized + ".");
        } catch (TextParseException e) {
            return new DnsAnswer(normalized, type, DnsStatus.INVALID_NAME, List.of(), e.getMessage());
        }
        CacheKey key = new CacheKey(normalized, type);
        long now = nanoClock.getAsLong();
        CachedAnswer cached = cache.getIfPresent(key);
        if (cached != null && cached.expiresAtNanos() - now > 0) {
            return cached.answer();
        }
        Resolved resolved = ask(normalized, wireName, type);
        long ttlNanos = Math.min(resolved.ttl().toNanos(), settings.maxCacheTtl().toNanos());
        if (resolved.answer().status() != DnsStatus.TEMPFAIL && ttlNanos > 0) {
            cache.put(key, new CachedAnswer(resolved.answer(), now + ttlNanos));
        }
        return resolved.answer();
    }

    /** How many questions went to a server (not answered from the cache) since start. */
    public long queriesSent() {
        return queriesSent.get();
    }

    /** Forgets every cached answer. */
    public void clearCache() {
        cache.invalidateAll();
    }

    static String normalize(String name) {
        String lower = name.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private Resolved ask(String name, Name wireName, RecordType type) {
        String lastProblem = "no server answered";
        for (int attempt = 1; attempt <= settings.attempts(); attempt++) {
            for (SimpleResolver server : servers) {
                Message query = Message.newQuery(Record.newRecord(wireName, type.wireType(), DClass.IN));
                queriesSent.incrementAndGet();
                Message response;
                try {
                    response = server.send(query);
                } catch (IOException e) {
                    lastProblem = describe(server) + ": " + e.getMessage();
                    LOG.debug("DNS {} {} attempt {}: {}", name, type, attempt, lastProblem);
                    continue;
                }
                int rcode = response.getRcode();
                if (rcode == Rcode.NOERROR) {
                    return answered(name, type, response, server);
                }
                if (rcode == Rcode.NXDOMAIN) {
                    return new Resolved(new DnsAnswer(name, type, DnsStatus.NXDOMAIN, List.of(),
                        describe(server) + " answered NXDOMAIN"), negativeTtl(response));
                }
                lastProblem = describe(server) + " answered " + Rcode.string(rcode);
                LOG.debug("DNS {} {} attempt {}: {}", name, type, attempt, lastProblem);
            }
        }
        LOG.info("DNS {} {}: temporary failure ({})", name, type, lastProblem);
        return new Resolved(new DnsAnswer(name, type, DnsStatus.TEMPFAIL, List.of(), lastProblem), Duration.ZERO);
    }

    private Resolved answered(String name, RecordType type, Message response, SimpleResolver server) {
        List<String> records = new ArrayList<>();
        long minTtl = Long.MAX_VALUE;
        for (Record record : response.getSection(Section.ANSWER)) {
            // the CNAMEs of a chain count for the TTL: the answer is only as fresh as its weakest link
            if (record.getType() == Type.CNAME) {
                minTtl = Math.min(minTtl, record.getTTL());
            }
            if (record.getType() == type.wireType()) {
                records.add(presentation(record));
                minTtl = Math.min(minTtl, record.getTTL());
            }
        }
        if (records.isEmpty()) {
            return new Resolved(new DnsAnswer(name, type, DnsStatus.NO_DATA, List.of(),
                describe(server) + " answered no data"), negativeTtl(response));
        }
        return new Resolved(new DnsAnswer(name, type, DnsStatus.FOUND, records, describe(server) + " answered"),
            Duration.ofSeconds(minTtl));
    }

    private static String presentation(Record record) {
        return switch (record) {
            case TXTRecord txt -> {
                StringBuilder joined = new StringBuilder();
                for (byte[] string : txt.getStringsAsByteArrays()) {
                    joined.append(new String(string, StandardCharsets.UTF_8));
                }
                yield joined.toString();
            }
            case ARecord a -> a.getAddress().getHostAddress();
            case AAAARecord aaaa -> aaaa.getAddress().getHostAddress();
            default -> record.rdataToString();
        };
    }

    private Duration negativeTtl(Message response) {
        for (Record record : response.getSection(Section.AUTHORITY)) {
            if (record instanceof SOARecord soa) {
                return Duration.ofSeconds(Math.min(soa.getTTL(), soa.getMinimum()));
            }
        }
        return settings.negativeCacheTtl();
    }

    private static String describe(SimpleResolver server) {
        return "DNS server " + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    private record CacheKey(String name, RecordType type) {
    }

    private record CachedAnswer(DnsAnswer answer, long expiresAtNanos) {
    }

    private record Resolved(DnsAnswer answer, Duration ttl) {
    }
}
