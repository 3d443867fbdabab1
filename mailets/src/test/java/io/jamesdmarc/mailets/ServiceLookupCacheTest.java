package io.jamesdmarc.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.mail.util.StreamProvider;

import org.junit.jupiter.api.Test;

import io.jamesdmarc.mailets.receive.ReportMailIngester;

class ServiceLookupCacheTest {

    /** Counts the searches that reach it. */
    private static final class CountingLoader extends ClassLoader {
        final AtomicInteger searches = new AtomicInteger();

        CountingLoader() {
            super(ServiceLookupCacheTest.class.getClassLoader());
        }

        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            searches.incrementAndGet();
            return super.getResources(name);
        }
    }

    @Test
    void serviceFilesAreSearchedOnceAndFoundAsBefore() throws Exception {
        CountingLoader parent = new CountingLoader();
        ServiceLookupCache cache = new ServiceLookupCache(parent);
        String services = "META-INF/services/" + StreamProvider.class.getName();

        List<URL> first = Collections.list(cache.getResources(services));
        List<URL> second = Collections.list(cache.getResources(services));

        assertThat(first).isNotEmpty().isEqualTo(Collections.list(parent.getResources(services)));
        assertThat(second).isEqualTo(first);
        assertThat(parent.searches).hasValue(2); // the cache's one search, and this test's own
        assertThat(ServiceLoader.load(StreamProvider.class, cache).findFirst()).isPresent();
    }

    @Test
    void otherResourcesAndClassesComeFromTheParentEachTime() throws Exception {
        CountingLoader parent = new CountingLoader();
        ServiceLookupCache cache = new ServiceLookupCache(parent);

        Collections.list(cache.getResources("logback-test.xml"));
        Collections.list(cache.getResources("logback-test.xml"));

        assertThat(parent.searches).hasValue(2);
        assertThat(cache.loadClass(ReportMailIngester.class.getName())).isSameAs(ReportMailIngester.class);
    }
}
