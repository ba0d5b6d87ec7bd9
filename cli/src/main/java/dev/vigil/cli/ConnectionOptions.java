package dev.vigil.cli;

import dev.vigil.client.ClientTls;
import dev.vigil.client.ServerAddress;
import java.io.PrintWriter;
import java.net.http.HttpClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * How {@code vigil send}, {@code vigil watch} and {@code vigil bench} reach a running server: its address, the bearer token (also from
 * {@code VIGIL_TOKEN}, which other users of the machine cannot read as they can a command line) and which TLS
 * certificates to trust.
 */
final class ConnectionOptions {
    /** The environment variable holding the token when {@code --token} is absent. */
    static final String TOKEN_ENV = "VIGIL_TOKEN";

    @Option(names = "--url", paramLabel = "URL", defaultValue = ServerAddress.DEFAULT_URL,
            description = "The server (default: ${DEFAULT-VALUE}); https:// for a server with TLS.")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:" + TOKEN_ENV + "}",
            description = "Bearer token when the server has tokens: send needs the ingest role, watch the read role, "
                    + "bench the admin role "
                    + "(default: the environment variable " + TOKEN_ENV + "; prefer it: other users of the machine "
                    + "can read command lines).")
    String token;

    @Option(names = "--cacert", paramLabel = "FILE",
            description = "Trust the certificate authorities (or the self-signed certificate) of this PEM file "
                    + "instead of the JDK's: for a server with a self-signed certificate, its --tls-cert file.")
    Path caCert;

    @Option(names = "--insecure",
            description = "Do not check the server's TLS certificate nor its name: for trying things out only "
                    + "(anyone in between could read the token and the events).")
    boolean insecure;

    /** The server and the HTTP client to reach it with. */
    record Target(ServerAddress server, HttpClient http) {}

    /**
     * The server and the client to reach it; null after saying on {@code err} what is wrong with {@code --url} or
     * {@code --cacert}, as {@code command} (e.g. {@code vigil send}).
     */
    Target target(String command, PrintWriter err) {
        try {
            return new Target(address(), httpClient());
        } catch (IllegalArgumentException bad) {
            err.println(command + ": " + bad.getMessage());
            return null;
        }
    }

    /** The server's address; throws {@link IllegalArgumentException} saying what is wrong with {@code --url}. */
    ServerAddress address() {
        return ServerAddress.parse(url, token == null || token.isEmpty() ? null : token);
    }

    /** The HTTP client to reach it with; throws {@link IllegalArgumentException} for a bad {@code --cacert}. */
    HttpClient httpClient() {
        return ClientTls.httpClient(caCert, insecure);
    }
}
