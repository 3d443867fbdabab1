package io.jamesdmarc.cli.web;

import java.net.InetAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The reverse DNS (PTR) names of sending sources, as far as known right now: answering never waits
 * for the DNS, so that a page of sources never hangs on a slow resolver.
 */
public interface ReverseNames extends AutoCloseable {

    /** What is known of an address's name. */
    enum Status {
        /** A PTR name was found. */
        FOUND,
        /** The address has no PTR record (NXDOMAIN or no data). */
        NONE,
        /** Being looked up: ask again later. */
        PENDING,
        /** The DNS failed (timeout, SERVFAIL); looked up again later. */
        FAILED,
        /** Reverse lookups are switched off. */
        OFF;

        String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    record Name(Status status, Optional<String> name) {
        public Name {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(name, "name");
        }

        static final Name OFF = new Name(Status.OFF, Optional.empty());
        static final Name PENDING = new Name(Status.PENDING, Optional.empty());
        static final Name NONE = new Name(Status.NONE, Optional.empty());
        static final Name FAILED = new Name(Status.FAILED, Optional.empty());

        static Name found(String name) {
            return new Name(Status.FOUND, Optional.of(name));
        }
    }

    /** The name of {@code address} as known now; an address not seen before is looked up in the background. */
    Name lookup(InetAddress address);

    @Override
    default void close() {
    }

    /** No lookups at all. */
    ReverseNames OFF = address -> Name.OFF;

    /** Names known in advance (the demo's sources), no DNS. */
    static ReverseNames fixed(Map<InetAddress, String> names) {
        Map<InetAddress, String> copy = Map.copyOf(names);
        return address -> Optional.ofNullable(copy.get(address)).map(Name::found).orElse(Name.NONE);
    }
}
