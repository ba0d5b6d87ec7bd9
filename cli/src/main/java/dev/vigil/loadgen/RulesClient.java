package dev.vigil.loadgen;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Deploys and deletes the bench rule over {@code /v1/rules}: {@code POST}, or {@code PUT} when a rule of that
 * name already runs (a previous run that was interrupted), and {@code DELETE} at the end.
 *
 * <p><b>Thread-safe</b> (stateless over a thread-safe {@link HttpClient}).
 */
final class RulesClient {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final ServerEndpoint server;

    RulesClient(HttpClient http, ServerEndpoint server) {
        this.http = http;
        this.server = server;
    }

    /** Deploys {@code text}, which defines the rule {@code name}, replacing a rule of that name. */
    void deploy(String name, String text) throws BenchException {
        HttpResponse<String> posted = send("POST", "/v1/rules", text);
        if (posted.statusCode() == 201) {
            return;
        }
        if (posted.statusCode() == 409) {
            HttpResponse<String> put = send("PUT", "/v1/rules/" + name, text);
            if (put.statusCode() == 200) {
                return;
            }
            throw refusal("PUT /v1/rules/" + name, put);
        }
        throw refusal("POST /v1/rules", posted);
    }

    /** Deletes the rule {@code name}; a rule that is already gone is fine. */
    void delete(String name) throws BenchException {
        HttpResponse<String> deleted = send("DELETE", "/v1/rules/" + name, null);
        if (deleted.statusCode() != 204 && deleted.statusCode() != 404) {
            throw server.refused("DELETE /v1/rules/" + name, deleted.statusCode(), deleted.body());
        }
    }

    private BenchException refusal(String what, HttpResponse<String> response) {
        int status = response.statusCode();
        if (status == 400 || status == 413 || status == 422) {
            return new BenchException(BenchException.Kind.RULE_REFUSED, what + " refused the bench rule (" + status
                    + "): " + ServerEndpoint.errorText(response.body()));
        }
        return server.refused(what, status, response.body());
    }

    private HttpResponse<String> send(String method, String path, String body) throws BenchException {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.address().http(path)).timeout(TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "text/plain; charset=utf-8");
        }
        if (server.address().authorization() != null) {
            request.header("Authorization", server.address().authorization());
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw server.unreachable(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException(BenchException.Kind.RUN_FAILED, "interrupted during " + method + " " + path);
        }
    }
}
