package dev.vigil.bench.kafka;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One counter of the server's Prometheus page ({@code GET /metrics}), read on demand: the line that starts with the
 * counter's name and holds the label given, e.g. {@code vigil_events_in_total} with {@code stream="bench_seq_0"}.
 */
final class ServerCounter {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpRequest request;
    private final String name;
    private final String label;

    ServerCounter(String serverUrl, String name, String label) {
        this.request = HttpRequest.newBuilder(URI.create(serverUrl + "/metrics")).timeout(Duration.ofSeconds(10))
                .GET().build();
        this.name = name;
        this.label = label;
    }

    /** The counter's value now, or -1 when the page does not have it (yet). */
    long read() throws IOException, InterruptedException {
        HttpResponse<String> page = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() != 200) {
            throw new IOException("GET /metrics answered " + page.statusCode());
        }
        for (String line : page.body().split("\n")) {
            if (line.startsWith(name) && (line.length() == name.length() || line.charAt(name.length()) == '{'
                    || line.charAt(name.length()) == ' ') && line.contains(label)) {
                return (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return -1;
    }
}
