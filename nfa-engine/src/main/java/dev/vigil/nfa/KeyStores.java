package dev.vigil.nfa;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** Finds the {@link KeyStoreProvider}s on the class or module path ({@link java.util.ServiceLoader}). */
final class KeyStores {
    private KeyStores() {}

    /**
     * Opens a store of kind {@code name} in {@code folder}.
     *
     * @throws IllegalStateException no provider of that kind is on the class or module path
     */
    static KeyStore open(String name, Path folder) {
        return open(name, folder, null);
    }

    /**
     * Opens a store of kind {@code name} in {@code folder} holding what {@code checkpoint} holds
     * ({@link KeyStoreProvider#open(Path, Path)}); {@code checkpoint} null: an empty store.
     *
     * @throws IllegalStateException no provider of that kind is on the class or module path
     */
    static KeyStore open(String name, Path folder, Path checkpoint) {
        List<String> found = new ArrayList<>();
        for (KeyStoreProvider provider : ServiceLoader.load(KeyStoreProvider.class, KeyStores.class.getClassLoader())) {
            if (provider.name().equals(name)) {
                return checkpoint == null ? provider.open(folder) : provider.open(folder, checkpoint);
            }
            found.add(provider.name());
        }
        throw new IllegalStateException("key state in " + name + " needs module nfa-" + name
                + " (dev.vigil:nfa-" + name + ") on the class or module path; key stores found: "
                + (found.isEmpty() ? "none" : String.join(", ", found)));
    }
}
