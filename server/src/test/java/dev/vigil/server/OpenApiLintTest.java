package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The OpenAPI document ({@code openapi.json}) as a linter sees it, without a network or npm: it is a valid OpenAPI 3
 * document (vertx-openapi validates it against the specification's JSON schema and resolves every reference; its
 * router, which supports fewer media types than the document uses, is not involved), and
 * it keeps the rules of {@code redocly lint}'s recommended set that a schema cannot check: every operation has a
 * unique URL-safe operationId, a summary, a success answer (a WebSocket's 101 counts), a security requirement naming
 * declared schemes and, unless it needs none, a 4xx answer; path parameters are declared where the path names them;
 * servers have no trailing slash; every component is used. What stays a warning of {@code redocly lint}: no licence
 * in the info (the project names none yet), no 4xx answer of {@code /health} and {@code /ready}, and a 101 that is
 * not a 2xx.
 */
@ExtendWith(VertxExtension.class)
class OpenApiLintTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");
    /** Where the schema repository places the document: nothing is fetched from it. */
    private static final String BASE = "app:///";
    private static final Pattern PATH_PARAMETER = Pattern.compile("\\{([^}]+)}");

    @Test
    void theDocumentIsAValidOpenApiDocument(Vertx vertx) throws Exception {
        assertEquals(List.of(), schemaErrors(vertx, document()));
        JsonObject resolved = await(OpenAPIVersion.V3_0.resolve(vertx,
                await(OpenAPIVersion.V3_0.getRepository(vertx, BASE)), document()));   // every $ref resolves
        assertTrue(resolved.getJsonObject("paths").getJsonObject("/v1/rules").getJsonObject("get")
                .getJsonObject("responses").getJsonObject("401").containsKey("description"), "resolved in place");
        JsonObject dangling = document();
        dangling.getJsonObject("paths").getJsonObject("/v1/rules").getJsonObject("get").getJsonObject("responses")
                .put("401", new JsonObject().put("$ref", "#/components/responses/Missing"));
        assertTrue(OpenAPIVersion.V3_0.resolve(vertx, await(OpenAPIVersion.V3_0.getRepository(vertx, BASE)), dangling)
                .toCompletionStage().toCompletableFuture().handle((done, failed) -> failed != null)
                .get(30, TimeUnit.SECONDS), "a reference to nothing is found");

        JsonObject broken = document();
        broken.getJsonObject("paths").getJsonObject("/health").getJsonObject("get").remove("responses");
        broken.getJsonObject("paths").getJsonObject("/ready").getJsonObject("get").put("operationId", 7);
        List<String> errors = schemaErrors(vertx, broken);
        assertTrue(errors.stream().anyMatch(error -> error.startsWith("#/paths/~1health/get")), errors.toString());
        assertTrue(errors.stream().anyMatch(error -> error.startsWith("#/paths/~1ready/get/operationId")),
                errors.toString());
    }

    /**
     * What the OpenAPI 3.0 specification's JSON schema (bundled with vertx-openapi) finds wrong, one line per error
     * at the deepest place it names.
     */
    private static List<String> schemaErrors(Vertx vertx, JsonObject openApi) throws Exception {
        OpenAPIVersion version = OpenAPIVersion.fromContract(openApi);
        OutputUnit result = await(version.validateContract(vertx, await(version.getRepository(vertx, BASE)),
                openApi));
        List<String> errors = new ArrayList<>();
        collect(result, errors);
        return errors;
    }

    private static void collect(OutputUnit unit, List<String> errors) {
        if (unit.getErrors() == null || unit.getErrors().isEmpty()) {
            if (Boolean.FALSE.equals(unit.getValid()) || unit.getError() != null) {
                errors.add(unit.getInstanceLocation() + ": " + unit.getError());
            }
            return;
        }
        for (OutputUnit error : unit.getErrors()) {
            collect(error, errors);
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void theDocumentKeepsTheRecommendedLintRules() throws Exception {
        assertEquals(List.of(), problems(document()));
    }

    @Test
    void theLintFindsWhatItLooksFor() throws Exception {
        JsonObject broken = document();
        broken.remove("security");
        JsonObject rule = broken.getJsonObject("paths").getJsonObject("/v1/rules/{name}");
        rule.remove("parameters");
        rule.getJsonObject("get").remove("summary");
        rule.getJsonObject("get").put("operationId", "listRules");
        broken.getJsonObject("components").getJsonObject("schemas").put("Unused", new JsonObject());
        broken.getJsonArray("servers").getJsonObject(0).put("url", "http://127.0.0.1:8080/");
        List<String> found = problems(broken);
        for (String expected : List.of("servers[0] ends with '/'",
                "get /v1/rules/{name}: no summary", "get /v1/rules/{name}: operationId 'listRules' is not unique",
                "get /v1/rules/{name}: path parameter 'name' is not declared",
                "get /v1/rules: no security requirement", "component #/components/schemas/Unused is not used")) {
            assertTrue(found.contains(expected), expected + " not in " + found);
        }
    }

    /** What the recommended rules find, one line each. */
    static List<String> problems(JsonObject openApi) {
        List<String> problems = new ArrayList<>();
        JsonArray servers = openApi.getJsonArray("servers", new JsonArray());
        if (servers.isEmpty()) {
            problems.add("no servers");
        }
        for (int i = 0; i < servers.size(); i++) {
            if (servers.getJsonObject(i).getString("url").endsWith("/")) {
                problems.add("servers[" + i + "] ends with '/'");
            }
        }
        JsonObject components = openApi.getJsonObject("components", new JsonObject());
        Set<String> schemes = components.getJsonObject("securitySchemes", new JsonObject()).fieldNames();
        JsonArray rootSecurity = openApi.getJsonArray("security");
        Set<String> operationIds = new HashSet<>();
        JsonObject paths = openApi.getJsonObject("paths");
        for (String path : paths.fieldNames()) {
            JsonObject item = paths.getJsonObject(path);
            Set<String> named = new LinkedHashSet<>();
            Matcher parameter = PATH_PARAMETER.matcher(path);
            while (parameter.find()) {
                named.add(parameter.group(1));
            }
            for (String method : item.fieldNames()) {
                if (!METHODS.contains(method)) {
                    continue;
                }
                String operation = method + " " + path;
                JsonObject op = item.getJsonObject(method);
                String id = op.getString("operationId");
                if (id == null || !id.matches("[A-Za-z0-9_.~-]+")) {
                    problems.add(operation + ": operationId missing or not URL-safe");
                } else if (!operationIds.add(id)) {
                    problems.add(operation + ": operationId '" + id + "' is not unique");
                }
                if (op.getString("summary", "").isBlank()) {
                    problems.add(operation + ": no summary");
                }
                Set<String> codes = op.getJsonObject("responses").fieldNames();
                if (codes.stream().noneMatch(code -> code.startsWith("2") || code.equals("101"))) {
                    problems.add(operation + ": no success answer");
                }
                JsonArray security = op.getJsonArray("security", rootSecurity);
                boolean open = security != null && security.isEmpty();   // /health, /ready: nothing to refuse
                if (!open && codes.stream().noneMatch(code -> code.startsWith("4"))) {
                    problems.add(operation + ": no 4xx answer");
                }
                if (security == null) {
                    problems.add(operation + ": no security requirement");
                } else {
                    for (Object requirement : security) {
                        for (String scheme : ((JsonObject) requirement).fieldNames()) {
                            if (!schemes.contains(scheme)) {
                                problems.add(operation + ": security scheme '" + scheme + "' is not declared");
                            }
                        }
                    }
                }
                Set<String> declared = new HashSet<>();
                for (JsonArray parameters : List.of(item.getJsonArray("parameters", new JsonArray()),
                        op.getJsonArray("parameters", new JsonArray()))) {
                    for (Object declaredParameter : parameters) {
                        JsonObject p = resolve(openApi, (JsonObject) declaredParameter);
                        if ("path".equals(p.getString("in"))) {
                            declared.add(p.getString("name"));
                        }
                    }
                }
                for (String name : named) {
                    if (!declared.contains(name)) {
                        problems.add(operation + ": path parameter '" + name + "' is not declared");
                    }
                }
                for (String name : declared) {
                    if (!named.contains(name)) {
                        problems.add(operation + ": path parameter '" + name + "' is not in the path");
                    }
                }
            }
        }
        String text = openApi.encode();
        for (String kind : components.fieldNames()) {
            if (kind.equals("securitySchemes")) {
                continue;   // used by name in security requirements, checked above
            }
            for (String name : components.getJsonObject(kind).fieldNames()) {
                String ref = "#/components/" + kind + "/" + name;
                if (!text.contains("\"" + ref + "\"")) {
                    problems.add("component " + ref + " is not used");
                }
            }
        }
        for (String scheme : schemes) {
            if (!text.contains("{\"" + scheme + "\":[]}")) {
                problems.add("security scheme " + scheme + " is not used");
            }
        }
        return problems;
    }

    private static JsonObject resolve(JsonObject openApi, JsonObject maybeRef) {
        String ref = maybeRef.getString("$ref");
        if (ref == null) {
            return maybeRef;
        }
        JsonObject target = openApi;
        for (String part : ref.substring(2).split("/")) {
            target = target.getJsonObject(part);
        }
        return target;
    }

    private static JsonObject document() throws Exception {
        try (InputStream in = OpenApiLintTest.class.getResourceAsStream("/openapi.json")) {
            return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
