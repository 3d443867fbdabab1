package io.jamesdmarc.mailets.settings;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import io.jamesdmarc.model.dns.DnsResolver;
import io.jamesdmarc.model.dns.DnsSettings;

/**
 * The DNS resolvers of the plugin's mailets: one per {@link DnsSettings} in the JVM, so that every
 * mailet configured alike (the evaluator in two processors, the reporters) shares one answer cache.
 * Thread-safe.
 */
public final class DmarcDns {

    private static final Map<DnsSettings, DnsResolver> RESOLVERS = new ConcurrentHashMap<>();

    private DmarcDns() {
    }

    /** The JVM's resolver for these settings, made on first use. */
    public static DnsResolver resolver(DnsSettings settings) {
        return RESOLVERS.computeIfAbsent(Objects.requireNonNull(settings, "settings"), DnsResolver::new);
    }
}
