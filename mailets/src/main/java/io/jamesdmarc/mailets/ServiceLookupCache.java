package io.jamesdmarc.mailets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The context class loader while the plugin reads a mail. jakarta.mail, as James 3.9 ships it, looks
 * its stream provider up with a {@link java.util.ServiceLoader} on the context class loader each
 * time it parses a header block or decodes a part, and jakarta.activation looks its mailcap files
 * up the same way: each look-up searches every jar of James's class path, and made up a third of
 * the time a report mail took. This loader answers those searches of {@code META-INF/} from a cache
 * (a server's jars do not change while it runs) and delegates everything else, class loading
 * included, to the plugin's own class loader. Thread-safe.
 */
public final class ServiceLookupCache extends ClassLoader {

    private static final String SERVICE_FILES = "META-INF/";
    private static final ServiceLookupCache PLUGIN = new ServiceLookupCache(ServiceLookupCache.class.getClassLoader());

    /** Work that reads mail. */
    @FunctionalInterface
    public interface Work<T, X extends Exception, Y extends Exception> {
        T run() throws X, Y;
    }

    private final Map<String, List<URL>> resources = new ConcurrentHashMap<>();

    ServiceLookupCache(ClassLoader parent) {
        super("james-dmarc-service-lookups", parent);
    }

    /** Does {@code work} with the plugin's cache as the thread's context class loader, then restores the thread's own. */
    public static <T, X extends Exception, Y extends Exception> T withCachedLookups(Work<T, X, Y> work) throws X, Y {
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(PLUGIN);
        try {
            return work.run();
        } finally {
            thread.setContextClassLoader(context);
        }
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        if (!name.startsWith(SERVICE_FILES)) {
            return super.getResources(name);
        }
        try {
            return Collections.enumeration(resources.computeIfAbsent(name, this::search));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private List<URL> search(String name) {
        try {
            return Collections.list(getParent().getResources(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
