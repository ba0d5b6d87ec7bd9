package dev.vigil.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Where the first malformed sequence starts is where the JDK's strict decoder stops, at any offset and length. */
class Utf8Test {
    @Test
    void findsTheFirstMalformedSequenceWhereTheJdkDoes() {
        Random random = new Random(7);
        byte[][] pieces = {"é".getBytes(StandardCharsets.UTF_8), "€".getBytes(StandardCharsets.UTF_8),
            "😀".getBytes(StandardCharsets.UTF_8), {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
            {(byte) 0xE2, (byte) 0x82}, {(byte) 0x80}, {(byte) 0xF5}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}};
        for (int round = 0; round < 5_000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) (' ' + random.nextInt(90));
            }
            if (bytes.length > 4 && random.nextBoolean()) {
                byte[] piece = pieces[random.nextInt(pieces.length)];
                System.arraycopy(piece, 0, bytes, random.nextInt(bytes.length - 4), Math.min(piece.length, 4));
            }
            int from = bytes.length == 0 ? 0 : random.nextInt(Math.min(3, bytes.length));
            assertEquals(jdk(bytes, from, bytes.length), Utf8.firstMalformedAt(bytes, from, bytes.length),
                    java.util.Arrays.toString(bytes) + " from " + from);
        }
    }

    private static int jdk(byte[] bytes, int from, int to) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, from, to - from);
        CoderResult result = decoder.decode(in, CharBuffer.allocate(bytes.length * 2), true);
        return result.isError() ? in.position() : -1;
    }
}
