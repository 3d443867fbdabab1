package io.jamesdmarc.model.testing;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import com.google.common.io.ByteStreams;

import jakarta.mail.BodyPart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;

/**
 * Decodes a file with the JDK's decoders and jakarta.mail, none of the extractor's code: every
 * text reachable through gzip, zip, zlib and MIME parts. Lenient where the JDK is (it stops at
 * bytes after a gzip member), which is what makes it a fair second opinion.
 */
public final class IndependentDecoding {

    public static List<String> texts(byte[] bytes) throws Exception {
        List<String> texts = new ArrayList<>();
        collect(bytes, texts, 0);
        return texts;
    }

    private static void collect(byte[] bytes, List<String> texts, int depth) throws Exception {
        if (depth > 8 || bytes.length == 0) {
            return;
        }
        int b0 = bytes[0] & 0xff;
        int b1 = bytes.length > 1 ? bytes[1] & 0xff : -1;
        if (b0 == 0x1f && b1 == 0x8b) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                collect(ByteStreams.toByteArray(ByteStreams.limit(in, 64 << 20)), texts, depth + 1);
            }
        } else if (b0 == 'P' && b1 == 'K') {
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(bytes))) {
                for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                    collect(ByteStreams.toByteArray(ByteStreams.limit(zip, 64 << 20)), texts, depth + 1);
                }
            }
        } else if (b0 == 0x78) {
            try (InputStream in = new InflaterInputStream(new ByteArrayInputStream(bytes))) {
                collect(ByteStreams.toByteArray(ByteStreams.limit(in, 64 << 20)), texts, depth + 1);
            }
        } else {
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            texts.add(text);
            if (Pattern.compile("^(From .*\\R)?[!-9;-~]+:", Pattern.MULTILINE).matcher(text).lookingAt()) {
                MimeMessage message = new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(bytes));
                collectParts(message.getContentType(), message.getInputStream(), texts, depth + 1);
            }
        }
    }

    private static void collectParts(String contentType, InputStream content, List<String> texts, int depth) throws Exception {
        try (InputStream in = content) {
            if (contentType != null && contentType.toLowerCase().startsWith("multipart/")) {
                MimeMultipart multipart = new MimeMultipart(new jakarta.mail.util.ByteArrayDataSource(in, contentType));
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart part = multipart.getBodyPart(i);
                    collectParts(part.getContentType(), part.getInputStream(), texts, depth + 1);
                }
            } else {
                collect(in.readAllBytes(), texts, depth);
            }
        }
    }

    private IndependentDecoding() {
    }
}
