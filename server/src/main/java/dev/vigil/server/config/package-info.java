/**
 * How the server is set up: {@link dev.vigil.server.config.ServerConfig} (every setting, with its default and
 * bound), resolved from flags, {@code VIGIL_*} variables and a JSON file by
 * {@link dev.vigil.server.config.ConfigResolver}; tokens and roles; and the process's out-of-memory policy
 * ({@link dev.vigil.server.config.FatalErrors}). Depends on no stage.
 */
package dev.vigil.server.config;
