package dev.vigil.server;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One TCP connection to a server on loopback, written byte by byte: for what java.net.http will not send (any
 * {@code Host}, {@code Origin} or {@code Transfer-Encoding}, bodies that are not UTF-8) and WebSocket frames no
 * client library sends (reserved bits set). Reads HTTP/1.1 responses and server WebSocket frames.
 */
final class RawConnection implements AutoCloseable {
    /** A response: status, headers by lower-case name (the last of repeated ones), body as UTF-8. */
    record Response(int status, Map<String, String> headers, String body) {}

    /** A WebSocket frame from the server: opcode and payload (servers do not mask). */
    record Frame(int opcode, byte[] payload) {
        /** The status code of a close frame. */
        int closeCode() {
            return ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    RawConnection(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout((int) RunningServer.TIMEOUT.toMillis());
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
    }

    RawConnection write(String ascii) throws IOException {
        return write(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawConnection write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** A request with a {@code Content-Length} body; {@code headers} are complete lines ending in CRLF. */
    Response request(String method, String path, String headers, byte[] body) throws IOException {
        write(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + socket.getPort() + "\r\n" + headers
                + "Content-Length: " + body.length + "\r\n\r\n");
        write(body);
        return readResponse();
    }

    /** A WebSocket handshake on {@code path} with extra {@code headers}; the response (101 or a refusal). */
    Response upgrade(String path, String headers) throws IOException {
        write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + socket.getPort() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n" + headers + "\r\n");
        return readResponse();
    }

    Response readResponse() throws IOException {
        String statusLine = line();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String header = line(); !header.isEmpty(); header = line()) {
            int colon = header.indexOf(':');
            headers.put(header.substring(0, colon).strip().toLowerCase(Locale.ROOT),
                    header.substring(colon + 1).strip());
        }
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (status == 101) {
            return new Response(status, headers, "");
        }
        if (headers.containsKey("content-length")) {
            byte[] bytes = new byte[Integer.parseInt(headers.get("content-length"))];
            in.readFully(bytes);
            body.write(bytes);
        } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            for (int size = chunkSize(); size > 0; size = chunkSize()) {
                byte[] chunk = new byte[size];
                in.readFully(chunk);
                body.write(chunk);
                line();
            }
            line();
        }
        return new Response(status, headers, body.toString(StandardCharsets.UTF_8));
    }

    /** Sends one masked client frame: {@code first} is the FIN/RSV/opcode byte as sent. */
    RawConnection frame(int first, byte[] payload) throws IOException {
        if (payload.length > 125) {
            throw new IllegalArgumentException("short frames only");
        }
        byte[] mask = {0x11, 0x22, 0x33, 0x44};
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(first);
        frame.write(0x80 | payload.length);
        frame.write(mask, 0, 4);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        return write(frame.toByteArray());
    }

    /** The next frame from the server (payloads under 64 KiB). */
    Frame readFrame() throws IOException {
        int opcode = in.readUnsignedByte() & 0x0F;
        int length = in.readUnsignedByte() & 0x7F;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            throw new IOException("frame too long for this test client");
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        return new Frame(opcode, payload);
    }

    /** Whether the server closes the connection (reads until end of stream, or the timeout). */
    boolean closedByServer() throws IOException {
        try {
            while (in.read() >= 0) {
                // whatever the server still sends before closing
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    private int chunkSize() throws IOException {
        return Integer.parseInt(line().strip(), 16);
    }

    private String line() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed after: " + line);
            }
            if (b == '\n') {
                return line.toString().endsWith("\r") ? line.substring(0, line.length() - 1) : line.toString();
            }
            line.append((char) b);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
