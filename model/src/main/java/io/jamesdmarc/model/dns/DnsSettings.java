package io.jamesdmarc.model.dns;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.xbill.DNS.ResolverConfig;

/**
 * Where and how {@link DnsResolver} asks its questions.
 *
 * @param servers recursive resolvers, asked in order until one gives a usable answer
 * @param timeout how long to wait for one server's answer
 * @param attempts how many times each server is asked before the lookup is a temporary failure
 * @param cacheSize the most answers kept in the cache
 * @param maxCacheTtl the longest an answer is kept, whatever its TTL
 * @param negativeCacheTtl how long NXDOMAIN / no-data answers are kept when the server sends no SOA
 */
public record DnsSettings(List<InetSocketAddress> servers,
                          Duration timeout,
                          int attempts,
                          int cacheSize,
                          Duration maxCacheTtl,
                          Duration negativeCacheTtl) {

    public static final int DNS_PORT = 53;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    public static final int DEFAULT_ATTEMPTS = 2;
    public static final int DEFAULT_CACHE_SIZE = 10_000;
    public static final Duration DEFAULT_MAX_CACHE_TTL = Duration.ofHours(1);
    public static final Duration DEFAULT_NEGATIVE_CACHE_TTL = Duration.ofMinutes(5);

    public DnsSettings {
        servers = List.copyOf(servers);
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("at least one DNS server is needed");
        }
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(maxCacheTtl, "maxCacheTtl");
        Objects.requireNonNull(negativeCacheTtl, "negativeCacheTtl");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("DNS timeout must be positive, got " + timeout);
        }
        if (attempts < 1) {
            throw new IllegalArgumentException("DNS attempts must be at least 1, got " + attempts);
        }
        if (cacheSize < 0) {
            throw new IllegalArgumentException("DNS cache size must not be negative, got " + cacheSize);
        }
        if (maxCacheTtl.isNegative() || negativeCacheTtl.isNegative()) {
            throw new IllegalArgumentException("DNS cache TTLs must not be negative");
        }
    }

    /** The given servers with the default timeout, attempts and cache. */
    public static DnsSettings of(List<InetSocketAddress> servers) {
        return new DnsSettings(servers, DEFAULT_TIMEOUT, DEFAULT_ATTEMPTS, DEFAULT_CACHE_SIZE,
            DEFAULT_MAX_CACHE_TTL, DEFAULT_NEGATIVE_CACHE_TTL);
    }

    /** The given servers, written as {@link #parseServers(String)} reads them. */
    public static DnsSettings of(String servers) {
        return of(parseServers(servers));
    }

    /** The system's resolvers (resolv.conf and the like), with the defaults. */
    public static DnsSettings system() {
        return of(ResolverConfig.getCurrentConfig().servers());
    }

    public DnsSettings withTimeout(Duration timeout) {
        return new DnsSettings(servers, timeout, attempts, cacheSize, maxCacheTtl, negativeCacheTtl);
    }

    public DnsSettings withAttempts(int attempts) {
        return new DnsSettings(servers, timeout, attempts, cacheSize, maxCacheTtl, negativeCacheTtl);
    }

    public DnsSettings withCacheSize(int cacheSize) {
        return new DnsSettings(servers, timeout, attempts, cacheSize, maxCacheTtl, negativeCacheTtl);
    }

    public DnsSettings withMaxCacheTtl(Duration maxCacheTtl) {
        return new DnsSettings(servers, timeout, attempts, cacheSize, maxCacheTtl, negativeCacheTtl);
    }

    public DnsSettings withNegativeCacheTtl(Duration negativeCacheTtl) {
        return new DnsSettings(servers, timeout, attempts, cacheSize, maxCacheTtl, negativeCacheTtl);
    }

    /**
     * Reads a comma- or space-separated list of servers: {@code 192.0.2.1}, {@code 192.0.2.1:5353},
     * {@code 2001:db8::1}, {@code [2001:db8::1]:5353} or a host name, port 53 unless given.
     *
     * @throws IllegalArgumentException naming the entry that is not a server
     */
    public static List<InetSocketAddress> parseServers(String text) {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String entry : Objects.requireNonNull(text, "text").split("[,\\s]+")) {
            if (!entry.isEmpty()) {
                servers.add(parseServer(entry));
            }
        }
        if (servers.isEmpty()) {
            throw new IllegalArgumentException("no DNS server in '" + text + "'");
        }
        return servers;
    }

    private static InetSocketAddress parseServer(String entry) {
        String host;
        int port = DNS_PORT;
        if (entry.startsWith("[")) {
            int close = entry.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("DNS server '" + entry + "': missing ']'");
            }
            host = entry.substring(1, close);
            String rest = entry.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("DNS server '" + entry + "': expected ':port' after ']'");
                }
                port = parsePort(entry, rest.substring(1));
            }
        } else if (entry.indexOf(':') != entry.lastIndexOf(':')) {
            host = entry; // a bare IPv6 address
        } else if (entry.indexOf(':') > 0) {
            host = entry.substring(0, entry.indexOf(':'));
            port = parsePort(entry, entry.substring(entry.indexOf(':') + 1));
        } else {
            host = entry;
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("DNS server '" + entry + "': no host");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("DNS server '" + entry + "': unknown host " + host);
        }
        return address;
    }

    private static int parsePort(String entry, String port) {
        try {
            int value = Integer.parseInt(port);
            if (value < 1 || value > 65535) {
                throw new IllegalArgumentException("DNS server '" + entry + "': port out of range");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("DNS server '" + entry + "': port '" + port + "' is not a number", e);
        }
    }
}
