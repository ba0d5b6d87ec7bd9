package dev.vigil.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Which servers a client command trusts over TLS: those with a certificate the JDK's certificate authorities
 * vouch for (the default), those the certificate authorities of a PEM file vouch for ({@code --cacert}, as curl's:
 * instead of the JDK's, so a self-signed server's own certificate works), or any ({@code --insecure}: no check of
 * the certificate nor of the host name, for trying things out only).
 */
public final class ClientTls {
    private ClientTls() {
    }

    /**
     * An HTTP client trusting what the options say; throws {@link IllegalArgumentException} saying what is wrong
     * with the file.
     */
    public static HttpClient httpClient(Path caCert, boolean insecure) {
        HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(ServerAddress.CONNECT_TIMEOUT);
        if (caCert != null && insecure) {
            throw new IllegalArgumentException("--cacert and --insecure exclude each other: --cacert checks the "
                    + "server's certificate against the file, --insecure checks nothing");
        }
        try {
            if (insecure) {
                SSLContext tls = SSLContext.getInstance("TLS");
                tls.init(null, new TrustManager[] {new TrustingAnyone()}, null);
                http.sslContext(tls);
            } else if (caCert != null) {
                http.sslContext(trusting(caCert));
            }
        } catch (GeneralSecurityException unsupported) {
            throw new IllegalArgumentException("TLS cannot be set up in this JVM: " + unsupported.getMessage());
        }
        return http.build();
    }

    /** A TLS context trusting the certificates of a PEM file only. */
    private static SSLContext trusting(Path caCert) throws GeneralSecurityException {
        Collection<? extends Certificate> certificates;
        try (InputStream pem = Files.newInputStream(caCert)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(pem);
        } catch (NoSuchFileException missing) {
            throw new IllegalArgumentException("--cacert " + caCert + ": no such file");
        } catch (IOException unreadable) {
            throw new IllegalArgumentException("--cacert " + caCert + ": cannot read it: " + unreadable.getMessage());
        } catch (CertificateException notPem) {
            throw new IllegalArgumentException("--cacert " + caCert + ": not a PEM certificate file ("
                    + notPem.getMessage() + ")");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("--cacert " + caCert + ": holds no certificate (a PEM file has "
                    + "-----BEGIN CERTIFICATE----- blocks)");
        }
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        try {
            store.load(null, null);
        } catch (IOException cannotHappen) {
            throw new GeneralSecurityException(cannotHappen);
        }
        int n = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("ca-" + n++, certificate);
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        return tls;
    }

    /**
     * Accepts every certificate for every host: an extended trust manager, so the JDK leaves the host name check to
     * it too (and it checks nothing).
     */
    private static final class TrustingAnyone extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
