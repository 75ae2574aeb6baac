package awsclient

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// TestClientsTransport: the clients get their timeouts, the first-answer
// watch and their connection pool whether or not the shared configuration
// names a CA bundle. Without one, the SDK's loaded configuration has no
// HTTP client at all, which is what most machines have.
func TestClientsTransport(t *testing.T) {
	// Not parallel: it sets the environment.
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	writeCABundle(t, bundle)
	for _, c := range []struct {
		name, bundle string
	}{{"no CA bundle", ""}, {"a CA bundle", bundle}} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("AWS_CA_BUNDLE", c.bundle)
			clients, err := New(context.Background(), Config{
				Region: "us-east-1", EndpointURL: "http://127.0.0.1:1", ReachTimeout: time.Second,
				StaticCredentials: &aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"},
			})
			if err != nil {
				t.Fatal(err)
			}
			defer clients.CloseIdleConnections()
			tr := clients.transport
			if tr == nil {
				t.Fatal("no transport of ours: the timeouts and the reach watch are not installed")
			}
			if tr.MaxIdleConnsPerHost != 128 || tr.DialContext == nil {
				t.Errorf("transport keeps %d idle connections per host (dial set: %t), want 128 and a dial timeout",
					tr.MaxIdleConnsPerHost, tr.DialContext != nil)
			}
			hasRoots := tr.TLSClientConfig != nil && tr.TLSClientConfig.RootCAs != nil
			if hasRoots != (c.bundle != "") {
				t.Errorf("custom roots %t, want %t", hasRoots, c.bundle != "")
			}
		})
	}
}

// writeCABundle writes a PEM file holding one self-signed certificate.
func writeCABundle(t *testing.T, path string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test root"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}
