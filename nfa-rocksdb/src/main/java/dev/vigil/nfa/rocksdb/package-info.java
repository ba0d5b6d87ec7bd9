/**
 * The engine's key state in RocksDB ({@link dev.vigil.nfa.rocksdb.RocksDbKeyStore}), provided to
 * {@code EngineConfig.withRocksDbState} through {@link java.util.ServiceLoader}: the engine's
 * {@link dev.vigil.nfa.KeyStore} service over one RocksDB database per engine. In its own module so that the engine
 * has no native dependency, and a host with a RocksDB of its own (Flink) does not get a second one.
 */
package dev.vigil.nfa.rocksdb;
