/**
 * The engine: compiles rules ({@link dev.vigil.nfa.RuleCompiler}) and runs them per key in event time
 * ({@link dev.vigil.nfa.Engine}). Exports only {@code dev.vigil.nfa}; the compiler, expressions, NFA, matcher,
 * runtime and snapshot format are internal. Key state goes to the heap or to a {@link dev.vigil.nfa.KeyStore};
 * {@link dev.vigil.nfa.KeyStoreProvider}s (module {@code nfa-rocksdb}) are found through the service loader.
 */
module dev.vigil.nfa {
    requires transitive dev.vigil.dsl;

    exports dev.vigil.nfa;

    uses dev.vigil.nfa.KeyStoreProvider;
}
