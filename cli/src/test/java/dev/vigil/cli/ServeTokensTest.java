package dev.vigil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.config.AccessToken;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** How {@code vigil serve} reads its tokens: {@code --token ROLE:TOKEN} options and {@code VIGIL_TOKENS}. */
class ServeTokensTest {
    @Test
    void optionsComeFirstThenTheEnvironment() {
        List<AccessToken> tokens = ServeCommand.tokens(List.of("admin:a1", "read:r1"), "ingest:i1, read:r2");
        assertEquals(List.of("admin", "read", "ingest", "read"),
                tokens.stream().map(token -> token.role().name().toLowerCase()).toList());
        assertEquals(List.of("a1", "r1", "i1", "r2"), tokens.stream().map(AccessToken::secret).toList());
        assertEquals(List.of(), ServeCommand.tokens(List.of(), null), "no tokens: nothing is enforced");
    }

    @Test
    void aBadTokenStopsTheServerFromStartingWithoutPrintingTheToken() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Vigil.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("serve", "--port", "0", "--token", "writer:hunter2");
        assertEquals(Vigil.EXIT_USAGE, exit);
        assertEquals("vigil serve: unknown role 'writer'; roles are admin, ingest, read\n", err.toString());
        assertFalse(err.toString().contains("hunter2"));
        assertEquals("", out.toString(), "the server never listened");
    }

    @Test
    void helpDocumentsTheTokenOption() {
        StringWriter out = new StringWriter();
        CommandLine cli = Vigil.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.execute("serve", "--help");
        assertTrue(out.toString().contains("--token=ROLE:TOKEN"), out.toString());
        assertTrue(out.toString().contains("VIGIL_TOKENS"), out.toString());
    }

    @Test
    void bindingBeyondLoopbackWithoutTokensIsWarnedAbout() {
        assertTrue(ServeCommand.exposureWarning("0.0.0.0", List.of(), true).contains("without tokens"));
        assertEquals(null, ServeCommand.exposureWarning("127.0.0.1", List.of(), false));
        assertEquals(null, ServeCommand.exposureWarning("localhost", List.of(), false));
        assertTrue(ServeCommand.exposureWarning("0.0.0.0", List.of(AccessToken.parse("admin:a1")), false)
                .contains("without TLS"), "tokens in clear text");
        assertEquals(null, ServeCommand.exposureWarning("0.0.0.0", List.of(AccessToken.parse("admin:a1")), true));
    }
}
