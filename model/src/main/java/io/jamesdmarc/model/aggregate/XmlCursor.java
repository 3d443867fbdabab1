package io.jamesdmarc.model.aggregate;

import static javax.xml.stream.XMLStreamConstants.CDATA;
import static javax.xml.stream.XMLStreamConstants.CHARACTERS;
import static javax.xml.stream.XMLStreamConstants.COMMENT;
import static javax.xml.stream.XMLStreamConstants.END_DOCUMENT;
import static javax.xml.stream.XMLStreamConstants.END_ELEMENT;
import static javax.xml.stream.XMLStreamConstants.PROCESSING_INSTRUCTION;
import static javax.xml.stream.XMLStreamConstants.SPACE;
import static javax.xml.stream.XMLStreamConstants.START_ELEMENT;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

import io.jamesdmarc.model.Limit;
import io.jamesdmarc.model.LimitExceededException;
import io.jamesdmarc.model.ParseLimits;
import io.jamesdmarc.model.ReportParseException;
import io.jamesdmarc.model.ReportParseException.Problem;
import io.jamesdmarc.model.vocabulary.Enumerated;
import io.jamesdmarc.model.vocabulary.Vocabulary;

/**
 * Where a reader is in an XML document: moves element by element over the StAX events, enforces
 * the depth and text-length limits, reads values (counting what it tolerated in the warnings) and
 * turns every parser failure into a {@link ReportParseException} that says where, e.g.
 * {@code record 3, line 40, column 7: ...}.
 */
final class XmlCursor implements AutoCloseable {

    /** More of one repeated item (errors, extensions, DKIM results...) than any report needs. */
    static final int MAX_REPEATED_ITEMS = 1000;

    /** The bytes are not valid in the charset the document declares; the caller may read it again in another one. */
    static final class UndecodableDocument extends ReportParseException {
        private static final long serialVersionUID = 1L;

        UndecodableDocument(String message, Throwable cause) {
            super(Problem.MALFORMED_XML, message, cause);
        }
    }

    private final XMLStreamReader xml;
    private final XmlCharacterReader characters;
    private final ParseLimits limits;
    private final ReadWarnings warnings;
    private final TextBuffer text = new TextBuffer();
    private int depth;
    private long record;

    private XmlCursor(XMLStreamReader xml, XmlCharacterReader characters, ParseLimits limits, ReadWarnings warnings) {
        this.xml = xml;
        this.characters = characters;
        this.limits = limits;
        this.warnings = warnings;
    }

    static XmlCursor open(XMLInputFactory factory, XmlCharacterReader characters, ParseLimits limits, ReadWarnings warnings)
        throws ReportParseException {
        try {
            return new XmlCursor(factory.createXMLStreamReader(characters), characters, limits, warnings);
        } catch (XMLStreamException | RuntimeException e) {
            throw failure(e, characters, "line 1, column 1");
        }
    }

    @Override
    public void close() {
        try {
            xml.close();
        } catch (XMLStreamException ignored) {
            // releases parser buffers only; the input is closed by its owner
        }
    }

    ParseLimits limits() {
        return limits;
    }

    // ---------------------------------------------------------------- where

    /** Messages and warnings from now on name record {@code number} (1-based), until {@link #leaveRecord()}. */
    void enterRecord(long number) {
        record = number;
    }

    void leaveRecord() {
        record = 0;
    }

    /** Where the cursor is, for messages: {@code record 3, line 40, column 7}. */
    String where() {
        return record > 0 ? "record " + record + ", " + location() : location();
    }

    String location() {
        Location location = xml.getLocation();
        return location == null ? "line 1, column 1"
            : "line " + location.getLineNumber() + ", column " + location.getColumnNumber();
    }

    /** A warning, naming the record when inside one. */
    void warn(String warning) {
        warnings.add(record > 0 ? "record " + record + ": " + warning : warning);
    }

    /** A warning about the document as a whole, given once however often it applies. */
    void warnDocument(String warning) {
        warnings.add(warning);
    }

    ReportParseException notAReport(String message) {
        return new ReportParseException(Problem.NOT_A_REPORT, where() + ": " + message);
    }

    // ---------------------------------------------------------------- elements

    /** The next start or end tag (or the end of the document), past text, comments and processing instructions. */
    int nextTag() throws ReportParseException {
        while (true) {
            int event = advance();
            if (event == START_ELEMENT || event == END_ELEMENT || event == END_DOCUMENT) {
                return event;
            }
        }
    }

    /** The next child start tag of the current element, or false at its end tag. */
    boolean nextChild() throws ReportParseException {
        return nextTag() == START_ELEMENT;
    }

    String localName() {
        return xml.getLocalName();
    }

    String namespaceUri() {
        return xml.getNamespaceURI();
    }

    String qualifiedName() {
        String prefix = xml.getPrefix();
        return prefix == null || prefix.isEmpty() ? xml.getLocalName() : prefix + ":" + xml.getLocalName();
    }

    void skipElement() throws ReportParseException {
        int startDepth = depth;
        while (true) {
            int event = advance();
            if (event == END_ELEMENT && depth < startDepth) {
                return;
            } else if (event == END_DOCUMENT) {
                throw malformed("the document ends inside an element");
            }
        }
    }

    /** Skips an element nothing in the standards defines where it is, with a warning. */
    void ignoreUnknown(String parent) throws ReportParseException {
        warn("ignored unknown element <" + qualifiedName() + "> in <" + parent + ">");
        skipElement();
    }

    /** Adds one more of a repeated item, up to {@link #MAX_REPEATED_ITEMS}. */
    <T> void addRepeated(List<T> list, T item, String what) throws ReportParseException {
        if (list.size() >= MAX_REPEATED_ITEMS) {
            throw notAReport("more than " + MAX_REPEATED_ITEMS + " " + what + " elements");
        }
        list.add(item);
    }

    // ---------------------------------------------------------------- values

    /** The current element's text (and any inside it), up to its end tag, in a buffer reused for the next value. */
    TextBuffer text() throws ReportParseException {
        text.clear();
        int startDepth = depth;
        while (true) {
            int event = advance();
            if (event == CHARACTERS || event == CDATA || event == SPACE) {
                int length = xml.getTextLength();
                if (text.length() + length > limits.maxXmlTextLength()) {
                    throw new LimitExceededException(Limit.XML_TEXT_LENGTH, limits.maxXmlTextLength(), where());
                }
                text.append(xml.getTextCharacters(), xml.getTextStart(), length);
            } else if (event == END_ELEMENT && depth < startDepth) {
                return text;
            } else if (event == END_DOCUMENT) {
                throw malformed("the document ends inside an element");
            }
        }
    }

    String requiredText() throws ReportParseException {
        return text().trimmed();
    }

    /** Text that counts as absent when blank. */
    Optional<String> optionalText() throws ReportParseException {
        TextBuffer value = text();
        return value.isBlank() ? Optional.empty() : Optional.of(value.trimmed());
    }

    /** A value every instance of its element has: empty or unknown text is kept as written, with a warning. */
    <E extends Enum<E> & Vocabulary> Enumerated<E> requiredValue(VocabularyTable<E> table, String field)
        throws ReportParseException {
        Enumerated<E> value = table.read(text());
        if (!value.isKnown()) {
            warn(value.raw().isEmpty() ? "empty " + field : "unknown " + field + " '" + value.raw() + "'");
        }
        return value;
    }

    /** An optional value: empty text counts as absent; unknown text is kept as written, with a warning. */
    <E extends Enum<E> & Vocabulary> Optional<Enumerated<E>> optionalValue(VocabularyTable<E> table, String field)
        throws ReportParseException {
        TextBuffer value = text();
        if (value.isBlank()) {
            return Optional.empty();
        }
        Enumerated<E> known = table.read(value);
        if (!known.isKnown()) {
            warn("unknown " + field + " '" + known.raw() + "'");
        }
        return Optional.of(known);
    }

    /**
     * The current element as XML text: its tags, attributes, text and child elements; comments and
     * processing instructions dropped. Prefixes declared outside it are declared on it, so the text
     * stands alone; the default namespace is left to the context it is written into.
     */
    String rawXml() throws ReportParseException {
        StringBuilder out = new StringBuilder(64);
        Set<String> declared = new HashSet<>();
        int startDepth = depth;
        startTag(out, declared);
        boolean tagOpen = true;
        while (true) {
            int event = advance();
            if (event == START_ELEMENT) {
                if (tagOpen) {
                    out.append('>');
                }
                startTag(out, declared);
                tagOpen = true;
            } else if (event == END_ELEMENT) {
                if (tagOpen) {
                    out.append("/>");
                    tagOpen = false;
                } else {
                    out.append("</").append(qualifiedName()).append('>');
                }
                if (depth < startDepth) {
                    return out.toString();
                }
            } else if (event == CHARACTERS || event == CDATA || event == SPACE) {
                if (tagOpen) {
                    out.append('>');
                    tagOpen = false;
                }
                XmlEscaping.appendText(out, xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
            } else if (event == END_DOCUMENT) {
                throw malformed("the document ends inside an element");
            }
            if (out.length() > limits.maxXmlTextLength()) {
                throw new LimitExceededException(Limit.XML_TEXT_LENGTH, limits.maxXmlTextLength(), where());
            }
        }
    }

    private void startTag(StringBuilder out, Set<String> declared) {
        out.append('<').append(qualifiedName());
        for (int i = 0; i < xml.getNamespaceCount(); i++) {
            String prefix = xml.getNamespacePrefix(i);
            String uri = xml.getNamespaceURI(i);
            if (prefix == null || prefix.isEmpty()) {
                out.append(" xmlns=\"");
            } else {
                declared.add(prefix);
                out.append(" xmlns:").append(prefix).append("=\"");
            }
            XmlEscaping.appendAttribute(out, uri == null ? "" : uri);
            out.append('"');
        }
        declareIfNeeded(out, declared, xml.getPrefix(), xml.getNamespaceURI());
        for (int i = 0; i < xml.getAttributeCount(); i++) {
            declareIfNeeded(out, declared, xml.getAttributePrefix(i), xml.getAttributeNamespace(i));
        }
        for (int i = 0; i < xml.getAttributeCount(); i++) {
            String prefix = xml.getAttributePrefix(i);
            out.append(' ');
            if (prefix != null && !prefix.isEmpty()) {
                out.append(prefix).append(':');
            }
            out.append(xml.getAttributeLocalName(i)).append("=\"");
            XmlEscaping.appendAttribute(out, xml.getAttributeValue(i));
            out.append('"');
        }
    }

    private static void declareIfNeeded(StringBuilder out, Set<String> declared, String prefix, String uri) {
        if (prefix == null || prefix.isEmpty() || prefix.equals("xml") || declared.contains(prefix) || uri == null) {
            return;
        }
        declared.add(prefix);
        out.append(" xmlns:").append(prefix).append("=\"");
        XmlEscaping.appendAttribute(out, uri);
        out.append('"');
    }

    /**
     * After the report's end tag: looks at a few events of what follows, and describes it when it
     * is more than whitespace, comments and the end tags of a wrapper. Never fails.
     */
    Optional<String> describeTrailingContent() {
        int wrapperDepth = depth;
        try {
            for (int i = 0; i < 16; i++) {
                int event = xml.next();
                if (event == END_DOCUMENT) {
                    return Optional.empty();
                }
                if (event == END_ELEMENT && wrapperDepth > 0) {
                    wrapperDepth--;
                    continue;
                }
                boolean ignorable = event == COMMENT || event == PROCESSING_INSTRUCTION || event == SPACE
                    || (event == CHARACTERS && xml.isWhiteSpace());
                if (!ignorable) {
                    return Optional.of(location());
                }
            }
            return Optional.empty();
        } catch (XMLStreamException | RuntimeException e) {
            return Optional.of(where(e) + ": " + message(e));
        }
    }

    // ---------------------------------------------------------------- events and failures

    /** The one place the parser is advanced: tracks depth against the limit and turns parser failures into report errors. */
    private int advance() throws ReportParseException {
        int event;
        try {
            event = xml.next();
        } catch (XMLStreamException | RuntimeException e) {
            // the JDK parser also throws unchecked exceptions on some broken input: malformed XML too
            throw failure(e, characters, where(e));
        }
        if (event == START_ELEMENT) {
            if (++depth > limits.maxXmlDepth()) {
                throw new LimitExceededException(Limit.XML_DEPTH, limits.maxXmlDepth(), where());
            }
        } else if (event == END_ELEMENT) {
            depth--;
        }
        return event;
    }

    private ReportParseException malformed(String message) {
        return new ReportParseException(Problem.MALFORMED_XML, where() + ": " + message);
    }

    /**
     * A parser failure as a report error: the input's own report problem (a decompression limit,
     * say) unchanged; undecodable bytes; an unreadable input; else not well-formed XML. An
     * interrupted read is no report error: it comes out as an {@link UncheckedIOException}.
     */
    private static ReportParseException failure(Exception e, XmlCharacterReader characters, String where) {
        for (Throwable cause = e; cause != null; cause = next(cause)) {
            if (cause instanceof ReportParseException reportProblem) {
                return reportProblem;
            }
            if (cause instanceof InterruptedIOException interrupted) {
                // the thread is being stopped: nothing is wrong with the report
                throw new UncheckedIOException(interrupted);
            }
        }
        if (characters.undecodable()) {
            return new UndecodableDocument(where + ": " + undecodableMessage(e), e);
        }
        for (Throwable cause = e; cause != null; cause = next(cause)) {
            if (cause instanceof IOException io) {
                return new ReportParseException(Problem.CORRUPT_CONTAINER,
                    where + ": the input could not be read: " + io.getMessage(), e);
            }
        }
        return new ReportParseException(Problem.MALFORMED_XML, where + ": not well-formed XML: " + message(e), e);
    }

    private static String undecodableMessage(Exception e) {
        for (Throwable cause = e; cause != null; cause = next(cause)) {
            if (cause instanceof XmlCharacterReader.UndecodableInputException undecodable) {
                return undecodable.getMessage();
            }
        }
        return message(e);
    }

    /** The StAX exception's nested exception, which it does not always chain as its cause. */
    private static Throwable next(Throwable cause) {
        if (cause instanceof XMLStreamException stax && stax.getNestedException() != null
            && stax.getNestedException() != cause) {
            return stax.getNestedException();
        }
        return cause.getCause() == cause ? null : cause.getCause();
    }

    /** The parser's message without its own location prefix (we say where ourselves). */
    private static String message(Throwable e) {
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        int at = message.indexOf("Message: ");
        return (at >= 0 ? message.substring(at + "Message: ".length()) : message).strip();
    }

    private String where(Exception e) {
        if (e instanceof XMLStreamException stax && stax.getLocation() != null) {
            String at = "line " + stax.getLocation().getLineNumber() + ", column " + stax.getLocation().getColumnNumber();
            return record > 0 ? "record " + record + ", " + at : at;
        }
        return where();
    }
}
