package io.jamesdmarc.model.testing;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Master;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A real DNS server on 127.0.0.1 (UDP and TCP on one ephemeral port) for tests: it speaks the
 * wire format, so what it serves goes through the same code as the Internet's answers.
 *
 * <p>It answers as a recursive resolver would for the records it holds, under one root: a name
 * outside them is NXDOMAIN, a name with records of another type or with names below it (an empty
 * non-terminal) is NOERROR with no data, wildcards are expanded (RFC 4592), CNAMEs followed.
 * UDP answers larger than the query's EDNS size (512 without EDNS) are truncated, so the client
 * retries over TCP. Per name, it can answer SERVFAIL or REFUSED, or drop the query (a timeout).
 *
 * <pre>{@code
 * try (LoopbackDnsServer dns = LoopbackDnsServer.start("""
 *         $ORIGIN example.com.
 *         _dmarc  TXT "v=DMARC1; p=reject"
 *         """)) {
 *     DnsResolver resolver = new DnsResolver(DnsSettings.of(List.of(dns.address())));
 * }
 * }</pre>
 */
public final class LoopbackDnsServer implements AutoCloseable {

    /** What to do instead of answering. */
    public enum Fault { SERVFAIL, REFUSED, DROP }

    private static final long DEFAULT_TTL = 300;
    private static final int NEGATIVE_TTL = 60;
    private static final int PLAIN_UDP_SIZE = 512;
    private static final int MAX_CNAME_CHAIN = 8;

    private final Map<Name, List<Record>> records = new ConcurrentHashMap<>();
    private final Map<Name, Fault> faults = new ConcurrentHashMap<>();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private final SOARecord rootSoa;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private volatile Fault everything;

    private LoopbackDnsServer(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
        Name hostmaster = Name.fromConstantString("hostmaster.test.");
        this.rootSoa = new SOARecord(Name.root, DClass.IN, NEGATIVE_TTL, Name.fromConstantString("ns.test."),
            hostmaster, 1, 3600, 600, 86400, NEGATIVE_TTL);
        Thread.ofPlatform().daemon().name("loopback-dns-udp-" + udp.getLocalPort()).start(this::serveUdp);
        Thread.ofPlatform().daemon().name("loopback-dns-tcp-" + udp.getLocalPort()).start(this::serveTcp);
    }

    /** Starts an empty server. */
    public static LoopbackDnsServer start() {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        IOException last = null;
        for (int attempt = 0; attempt < 10; attempt++) {
            DatagramSocket udp = null;
            try {
                udp = new DatagramSocket(new InetSocketAddress(loopback, 0));
                ServerSocket tcp = new ServerSocket();
                tcp.setReuseAddress(true);
                tcp.bind(new InetSocketAddress(loopback, udp.getLocalPort()));
                return new LoopbackDnsServer(udp, tcp);
            } catch (IOException e) {
                // the TCP side of the port the system gave for UDP is taken: try another port
                last = e;
                if (udp != null) {
                    udp.close();
                }
            }
        }
        throw new UncheckedIOException("cannot bind a loopback DNS server", last);
    }

    /** Starts a server holding {@code masterFile} (see {@link #load(String)}). */
    public static LoopbackDnsServer start(String masterFile) {
        LoopbackDnsServer server = start();
        try {
            server.load(masterFile);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /**
     * Adds records written in master file format ($ORIGIN and $TTL allowed, the origin is the
     * root until set, default TTL 300). Records of an RRset already held are added to it.
     */
    public LoopbackDnsServer load(String masterFile) {
        try (Master master = new Master(new ByteArrayInputStream(masterFile.getBytes(StandardCharsets.UTF_8)),
            Name.root, DEFAULT_TTL)) {
            Record record;
            while ((record = master.nextRecord()) != null) {
                add(record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("bad master file: " + e.getMessage(), e);
        }
        return this;
    }

    /** Adds one record. */
    public LoopbackDnsServer add(Record record) {
        records.computeIfAbsent(record.getName(), name -> new CopyOnWriteArrayList<>()).add(record);
        return this;
    }

    /** Removes every record of {@code type} at {@code name} (a type name such as "TXT"). */
    public LoopbackDnsServer remove(String name, String type) {
        List<Record> at = records.get(name(name));
        int wireType = Type.value(type);
        if (at != null) {
            at.removeIf(record -> record.getType() == wireType);
            if (at.isEmpty()) {
                records.remove(name(name));
            }
        }
        return this;
    }

    /** From now on, questions about exactly {@code name} (any type) get {@code fault}. */
    public LoopbackDnsServer failWith(String name, Fault fault) {
        faults.put(name(name), fault);
        return this;
    }

    /** From now on, every question gets {@code fault}: the server is broken or unreachable. */
    public LoopbackDnsServer failEverythingWith(Fault fault) {
        everything = fault;
        return this;
    }

    /** Answers normally again. */
    public LoopbackDnsServer clearFaults() {
        faults.clear();
        everything = null;
        return this;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(udp.getLocalAddress(), udp.getLocalPort());
    }

    /** The questions received so far, in order, as {@code name/TYPE} (name lower case, no trailing dot). */
    public List<String> queries() {
        return List.copyOf(queries);
    }

    /** The TXT names asked so far, in order (no trailing dot). */
    public List<String> txtQueries() {
        String suffix = "/" + Type.string(Type.TXT);
        return queries.stream().filter(q -> q.endsWith(suffix))
            .map(q -> q.substring(0, q.length() - suffix.length())).toList();
    }

    public LoopbackDnsServer clearQueries() {
        queries.clear();
        return this;
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            // closing: nothing left to do with the socket
        }
    }

    private static Name name(String text) {
        try {
            return Name.fromString(text.endsWith(".") ? text : text + ".");
        } catch (IOException e) {
            throw new IllegalArgumentException("not a DNS name: " + text, e);
        }
    }

    private void serveUdp() {
        byte[] buffer = new byte[65535];
        while (!udp.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                udp.receive(packet);
                byte[] in = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
                Optional<byte[]> out = respond(in, true);
                if (out.isPresent()) {
                    udp.send(new DatagramPacket(out.get(), out.get().length, packet.getSocketAddress()));
                }
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // a malformed packet: ignore it as a server would
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket socket = tcp.accept();
                Thread.ofVirtual().start(() -> serveConnection(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serveConnection(Socket socket) {
        try (socket; DataInputStream in = new DataInputStream(socket.getInputStream());
             DataOutputStream out = new DataOutputStream(socket.getOutputStream())) {
            while (true) {
                int length = in.readUnsignedShort();
                byte[] query = in.readNBytes(length);
                Optional<byte[]> answer = respond(query, false);
                if (answer.isEmpty()) {
                    return;
                }
                out.writeShort(answer.get().length);
                out.write(answer.get());
                out.flush();
            }
        } catch (IOException endOfConnection) {
            // the client closed the connection
        }
    }

    private Optional<byte[]> respond(byte[] wire, boolean overUdp) throws IOException {
        Message query = new Message(wire);
        Record question = query.getQuestion();
        if (question == null) {
            return Optional.empty();
        }
        Name qname = question.getName();
        queries.add(presentation(qname) + "/" + Type.string(question.getType()));

        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        response.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        response.addRecord(question, Section.QUESTION);

        Fault fault = everything != null ? everything : faults.get(qname);
        if (fault == Fault.DROP) {
            return Optional.empty();
        }
        if (fault != null) {
            response.getHeader().setRcode(fault == Fault.SERVFAIL ? Rcode.SERVFAIL : Rcode.REFUSED);
        } else {
            answer(qname, question.getType(), response);
        }
        int limit = Message.MAXLENGTH;
        if (overUdp) {
            OPTRecord opt = query.getOPT();
            limit = opt == null ? PLAIN_UDP_SIZE : Math.max(PLAIN_UDP_SIZE, opt.getPayloadSize());
        }
        // toWire(limit) drops what does not fit and sets the TC flag, as a real server does
        return Optional.of(response.toWire(limit));
    }

    private void answer(Name qname, int type, Message response) {
        Name current = qname;
        for (int hop = 0; hop < MAX_CNAME_CHAIN; hop++) {
            List<Record> at = recordsAt(current);
            if (at == null) {
                if (isEmptyNonTerminal(current)) {
                    response.addRecord(soaFor(current), Section.AUTHORITY);
                } else {
                    response.getHeader().setRcode(Rcode.NXDOMAIN);
                    response.addRecord(soaFor(current), Section.AUTHORITY);
                }
                return;
            }
            List<Record> matching = at.stream().filter(r -> r.getType() == type).toList();
            if (!matching.isEmpty()) {
                matching.forEach(r -> response.addRecord(r, Section.ANSWER));
                return;
            }
            Optional<Record> cname = at.stream().filter(r -> r.getType() == Type.CNAME).findFirst();
            if (cname.isEmpty() || type == Type.CNAME) {
                response.addRecord(soaFor(current), Section.AUTHORITY);
                return;
            }
            response.addRecord(cname.get(), Section.ANSWER);
            current = ((CNAMERecord) cname.get()).getTarget();
        }
    }

    /** The records at {@code name}, the expansion of a wildcard when none (RFC 4592), null when the name does not exist. */
    private List<Record> recordsAt(Name name) {
        List<Record> exact = records.get(name);
        if (exact != null && !exact.isEmpty()) {
            return exact;
        }
        if (isEmptyNonTerminal(name)) {
            return null;
        }
        Name encloser = closestEncloser(name);
        Name wildcard = encloser == null ? null : wildcardUnder(encloser);
        List<Record> expanded = wildcard == null ? null : records.get(wildcard);
        if (expanded == null || expanded.isEmpty()) {
            return null;
        }
        List<Record> synthesized = new ArrayList<>();
        for (Record record : expanded) {
            synthesized.add(record.withName(name));
        }
        return synthesized;
    }

    private boolean isEmptyNonTerminal(Name name) {
        for (Name held : records.keySet()) {
            if (!held.equals(name) && held.subdomain(name) && !records.get(held).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private Name closestEncloser(Name name) {
        for (int drop = 1; drop < name.labels(); drop++) {
            Name ancestor = new Name(name, drop);
            if (ancestor.equals(Name.root) || records.containsKey(ancestor) || isEmptyNonTerminal(ancestor)) {
                return ancestor;
            }
        }
        return null;
    }

    private static Name wildcardUnder(Name encloser) {
        try {
            return Name.concatenate(Name.fromConstantString("*"), encloser);
        } catch (org.xbill.DNS.NameTooLongException e) {
            return null;
        }
    }

    /** The SOA of the closest enclosing zone held, the root's otherwise: it sets the negative TTL. */
    private Record soaFor(Name name) {
        for (int drop = 0; drop < name.labels(); drop++) {
            Name ancestor = drop == 0 ? name : new Name(name, drop);
            List<Record> at = records.get(ancestor);
            if (at != null) {
                for (Record record : at) {
                    if (record instanceof SOARecord) {
                        return record;
                    }
                }
            }
        }
        return rootSoa;
    }

    private static String presentation(Name name) {
        String text = name.toString(true).toLowerCase(Locale.ROOT);
        return text.isEmpty() ? "." : text;
    }
}
