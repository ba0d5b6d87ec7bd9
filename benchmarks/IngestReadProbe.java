import dev.vigil.dsl.RuleParser;
import dev.vigil.loadgen.BenchRule;
import dev.vigil.nfa.Event;
import dev.vigil.nfa.EventDecoder;
import dev.vigil.server.rules.SeenStreams;
import dev.vigil.server.source.EventFrame;
import dev.vigil.wire.InputLine;
import dev.vigil.wire.Utf8;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * The CPU time the server spends per event reading a `vigil bench` message (1,000 events and a watermark, as its
 * FrameText writes them) the way a WebSocket message of many lines is read (EventConnection.decode: strict UTF-8,
 * the text, EventFrame.parse with the decoder the server's sources use, observed by SeenStreams), and reading the
 * two fields the bench rule reads (k, t) from each event as the engine does. Thread CPU time, so a loaded machine
 * changes it far less than events/s. Usage, from the root, for a build's jar:
 *   java -cp cli/target/vigil.jar benchmarks/IngestReadProbe.java [messages per pass] [passes]
 */
public class IngestReadProbe {
    public static void main(String[] args) {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int passes = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        String stream = BenchRule.stream(0);
        EventDecoder decoder = new EventDecoder(RuleParser.parse("bench.cep", BenchRule.text(1)).orThrow().streams(),
                true).observedBy(new SeenStreams());
        Random random = new Random(1);
        byte[][] bodies = new byte[64][];
        for (int m = 0; m < bodies.length; m++) {
            StringBuilder text = new StringBuilder();
            long ts = 1_800_000_000_000L + m * 1000L;
            for (int i = 0; i < 1000; i++) {
                text.append("{\"stream\":\"").append(stream).append("\",\"k\":\"k").append(random.nextInt(10_000))
                        .append("\",\"t\":\"").append(random.nextInt(10) == 0 ? 'b' : 'a').append("\",\"s\":")
                        .append(System.nanoTime()).append(",\"ts\":").append(ts).append("}\n");
            }
            text.append("{\"watermark\":").append(ts).append(",\"stream\":\"").append(stream).append("\"}");
            bodies[m] = text.toString().getBytes(StandardCharsets.UTF_8);
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int pass = 1; pass <= passes; pass++) {
            long readNs = 0;
            long fieldNs = 0;
            long bytes = threads.getCurrentThreadAllocatedBytes();
            for (int m = 0; m < messages; m++) {
                long start = threads.getCurrentThreadCpuTime();
                byte[] raw = bodies[m % bodies.length].clone();   // as EventConnection's bytes.getBytes()
                if (Utf8.firstMalformed(raw, 0, raw.length) != null) {
                    throw new AssertionError("not UTF-8");
                }
                EventFrame frame = EventFrame.parse(new String(raw, StandardCharsets.UTF_8), decoder);
                long parsed = threads.getCurrentThreadCpuTime();
                for (InputLine line : frame.batch()) {
                    if (line instanceof InputLine.EventLine event) {
                        Event e = event.event();
                        sink += e.field("k").hashCode() + (e.field("t") == "a" ? 1 : 0);
                    }
                }
                readNs += parsed - start;
                fieldNs += threads.getCurrentThreadCpuTime() - parsed;
            }
            long events = messages * 1000L;
            System.out.printf("pass %d: read %.0f ns/event, fields %.0f ns/event, allocated %.0f B/event%n", pass,
                    (double) readNs / events, (double) fieldNs / events,
                    (double) (threads.getCurrentThreadAllocatedBytes() - bytes) / events);
        }
        System.out.println(sink == 42 ? "" : "done");
    }
}
