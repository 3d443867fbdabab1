package io.jamesdmarc.model.testing;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.xml.XMLConstants;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;

import org.xml.sax.SAXException;

/**
 * The aggregate report schemas of the corpus ({@code schema/}), loaded for javax.xml.validation.
 *
 * <p>The RFC 7489 appendix C schema cannot be used as published, for two reasons found here:
 * <ol>
 * <li>it declares a targetNamespace but no default namespace, so its references to its own types
 *     ({@code type="DateRangeType"}) name no-namespace types, and the JDK's validator refuses to
 *     load it (src-resolve.4.1);</li>
 * <li>its IPAddress pattern is wrapped over three lines in the RFC; the line breaks and indentation
 *     become part of the pattern, so no real IP address matches it (only oddities such as
 *     {@code "1.2.3.                 4"}).</li>
 * </ol>
 * {@link #rfc7489Repaired()} loads a copy made here with exactly those two repairs (the default
 * namespace declared; the pattern's whitespace removed), the corpus file left untouched. Even
 * repaired, the pattern admits IPv6 only in full eight-group form.
 */
public final class AggregateSchemas {

    private static final Pattern IP_PATTERN = Pattern.compile("<xs:pattern value=\"([^\"]*)\"/>");
    private static final String TARGET = "targetNamespace=\"http://dmarc.org/dmarc-xml/0.1\"";

    private AggregateSchemas() {
    }

    /** The RFC 9990 (DMARCbis) schema as published. */
    public static Schema rfc9990(Corpus corpus) {
        return load(read(corpus, "dmarcbis-aggregate-reporting-dmarc-xml-0.2.xsd"));
    }

    /** The RFC 7489 schema with its default namespace declared, so that it loads, and its IP pattern as published. */
    public static Schema rfc7489WithPublishedPattern(Corpus corpus) {
        return load(declareDefaultNamespace(read(corpus, "rfc7489-appendixC-dmarc-xml-0.1.xsd")));
    }

    /** The RFC 7489 schema with its default namespace declared and its IP pattern unwrapped. */
    public static Schema rfc7489Repaired(Corpus corpus) {
        String xsd = declareDefaultNamespace(read(corpus, "rfc7489-appendixC-dmarc-xml-0.1.xsd"));
        Matcher pattern = IP_PATTERN.matcher(xsd);
        if (!pattern.find()) {
            throw new IllegalStateException("the RFC 7489 schema has no pattern to repair");
        }
        String unwrapped = pattern.group(1).replaceAll("\\s+", "");
        return load(xsd.substring(0, pattern.start(1)) + unwrapped + xsd.substring(pattern.end(1)));
    }

    /** Loads the RFC 7489 schema exactly as published; fails as explained above. */
    public static Schema rfc7489AsPublished(Corpus corpus) {
        return load(read(corpus, "rfc7489-appendixC-dmarc-xml-0.1.xsd"));
    }

    private static String declareDefaultNamespace(String xsd) {
        if (!xsd.contains(TARGET)) {
            throw new IllegalStateException("the RFC 7489 schema no longer declares " + TARGET);
        }
        return xsd.replaceFirst(Pattern.quote(TARGET), TARGET + " xmlns=\"http://dmarc.org/dmarc-xml/0.1\"");
    }

    private static String read(Corpus corpus, String name) {
        try {
            return Files.readString(corpus.schema(name), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Schema load(String xsd) {
        try {
            SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            return factory.newSchema(new StreamSource(new StringReader(xsd)));
        } catch (SAXException e) {
            throw new IllegalStateException("schema does not load: " + e.getMessage(), e);
        }
    }
}
