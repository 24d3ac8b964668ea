package provider

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"golang.org/x/crypto/ssh"
)

var ctx = context.Background()

func urn(tok, name string) string {
	return "urn:pulumi:test::proj::" + tok + "::" + name
}

// create runs Check and Create for one resource and returns its id and outputs (secrets kept).
func create(t *testing.T, s *Server, tok string, in resource.PropertyMap) (string, resource.PropertyMap) {
	t.Helper()
	news, err := marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	chk, err := s.Check(ctx, &pulumirpc.CheckRequest{Urn: urn(tok, "r"), News: news})
	if err != nil {
		t.Fatal(err)
	}
	if len(chk.Failures) > 0 {
		t.Fatalf("check failures: %v", chk.Failures)
	}
	cr, err := s.Create(ctx, &pulumirpc.CreateRequest{Urn: urn(tok, "r"), Properties: chk.Inputs})
	if err != nil {
		t.Fatal(err)
	}
	outs, err := unmarshal(cr.Properties)
	if err != nil {
		t.Fatal(err)
	}
	return cr.Id, outs
}

func str(m resource.PropertyMap, k string) string { return vw(m).str(k) }

func vw(m resource.PropertyMap) view { return view{m} }

func strArr(xs ...string) resource.PropertyValue {
	var a []resource.PropertyValue
	for _, x := range xs {
		a = append(a, resource.NewProperty(x))
	}
	return resource.NewProperty(a)
}

func parseCert(t *testing.T, p string) *x509.Certificate {
	t.Helper()
	b, _ := pem.Decode([]byte(p))
	if b == nil || b.Type != "CERTIFICATE" {
		t.Fatalf("no certificate PEM in %q", p)
	}
	c, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestPrivateKeyRSADefaults(t *testing.T) {
	s := NewServer("5.6.1")
	id, outs := create(t, s, TokenPrivateKey, resource.PropertyMap{"algorithm": resource.NewProperty("RSA")})
	if got := vw(outs).int("rsaBits"); got != 2048 {
		t.Errorf("rsaBits default = %d, want 2048", got)
	}
	if got := str(outs, "ecdsaCurve"); got != "P224" {
		t.Errorf("ecdsaCurve default = %q, want P224", got)
	}
	for _, k := range []string{"privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"} {
		if !outs[resource.PropertyKey(k)].IsSecret() {
			t.Errorf("%s is not a secret", k)
		}
	}
	for _, k := range []string{"publicKeyPem", "publicKeyOpenssh", "publicKeyFingerprintMd5", "publicKeyFingerprintSha256"} {
		if outs[resource.PropertyKey(k)].IsSecret() || str(outs, k) == "" {
			t.Errorf("%s should be a non-empty plain string", k)
		}
	}
	b, _ := pem.Decode([]byte(str(outs, "privateKeyPem")))
	if b.Type != "RSA PRIVATE KEY" {
		t.Fatalf("privateKeyPem type %q", b.Type)
	}
	k, err := x509.ParsePKCS1PrivateKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if k.N.BitLen() != 2048 {
		t.Errorf("RSA key size %d", k.N.BitLen())
	}
	b, _ = pem.Decode([]byte(str(outs, "privateKeyPemPkcs8")))
	if _, err := x509.ParsePKCS8PrivateKey(b.Bytes); err != nil || b.Type != "PRIVATE KEY" {
		t.Errorf("pkcs8: %v %q", err, b.Type)
	}
	if _, err := ssh.ParseRawPrivateKey([]byte(str(outs, "privateKeyOpenssh"))); err != nil {
		t.Errorf("openssh private key: %v", err)
	}
	pub, _, _, _, err := ssh.ParseAuthorizedKey([]byte(str(outs, "publicKeyOpenssh")))
	if err != nil {
		t.Fatal(err)
	}
	if ssh.FingerprintSHA256(pub) != str(outs, "publicKeyFingerprintSha256") {
		t.Error("sha256 fingerprint mismatch")
	}
	if len(id) != 40 {
		t.Errorf("id %q is not a hex SHA-1", id)
	}
}

func TestPrivateKeyAlgorithms(t *testing.T) {
	s := NewServer("5.6.1")
	_, outs := create(t, s, TokenPrivateKey, resource.PropertyMap{"algorithm": resource.NewProperty("RSA"), "rsaBits": resource.NewProperty(3072.0)})
	k, _, _ := ParsePrivateKeyPEM(str(outs, "privateKeyPem"))
	if k.(*rsa.PrivateKey).N.BitLen() != 3072 {
		t.Error("rsaBits 3072 not honoured")
	}
	_, outs = create(t, s, TokenPrivateKey, resource.PropertyMap{"algorithm": resource.NewProperty("ECDSA"), "ecdsaCurve": resource.NewProperty("P384")})
	if !strings.HasPrefix(str(outs, "privateKeyPem"), "-----BEGIN EC PRIVATE KEY") {
		t.Error("ECDSA privateKeyPem is not EC PRIVATE KEY")
	}
	k, _, _ = ParsePrivateKeyPEM(str(outs, "privateKeyPem"))
	if k.(*ecdsa.PrivateKey).Curve.Params().Name != "P-384" {
		t.Error("curve not P-384")
	}
	_, outs = create(t, s, TokenPrivateKey, resource.PropertyMap{"algorithm": resource.NewProperty("ECDSA")})
	if str(outs, "publicKeyOpenssh") != "" || str(outs, "privateKeyOpenssh") != "" {
		t.Error("P224 keys have no OpenSSH encoding")
	}
	_, outs = create(t, s, TokenPrivateKey, resource.PropertyMap{"algorithm": resource.NewProperty("ED25519")})
	if !strings.HasPrefix(str(outs, "privateKeyPem"), "-----BEGIN PRIVATE KEY") {
		t.Error("ED25519 privateKeyPem is not PKCS#8")
	}
	k, _, _ = ParsePrivateKeyPEM(str(outs, "privateKeyPem"))
	if _, ok := k.(ed25519.PrivateKey); !ok {
		t.Error("not an ed25519 key")
	}
}

func TestCheckFailures(t *testing.T) {
	s := NewServer("5.6.1")
	cases := []struct {
		tok  string
		in   resource.PropertyMap
		prop string
	}{
		{TokenPrivateKey, resource.PropertyMap{}, "algorithm"},
		{TokenPrivateKey, resource.PropertyMap{"algorithm": resource.NewProperty("DSA")}, "algorithm"},
		{TokenPrivateKey, resource.PropertyMap{"algorithm": resource.NewProperty("ECDSA"), "ecdsaCurve": resource.NewProperty("P999")}, "ecdsaCurve"},
		{TokenPrivateKey, resource.PropertyMap{"algorithm": resource.NewProperty("RSA"), "rsaBits": resource.NewProperty("big")}, "rsaBits"},
		{TokenSelfSignedCert, resource.PropertyMap{"privateKeyPem": resource.NewProperty("x"), "validityPeriodHours": resource.NewProperty(1.0)}, "allowedUses"},
		{TokenSelfSignedCert, resource.PropertyMap{"privateKeyPem": resource.NewProperty("x"), "validityPeriodHours": resource.NewProperty(1.0), "allowedUses": strArr("fly")}, "allowedUses[0]"},
		{TokenSelfSignedCert, resource.PropertyMap{"validityPeriodHours": resource.NewProperty(1.0), "allowedUses": strArr("server_auth")}, "privateKeyPem"},
		{TokenCertRequest, resource.PropertyMap{"privateKeyPem": resource.NewProperty("x"), "ipAddresses": strArr("300.1.1.1")}, "ipAddresses"},
	}
	for _, c := range cases {
		news, _ := marshal(c.in)
		chk, err := s.Check(ctx, &pulumirpc.CheckRequest{Urn: urn(c.tok, "r"), News: news})
		if err != nil {
			t.Fatal(err)
		}
		if len(chk.Failures) == 0 || chk.Failures[0].Property != c.prop {
			t.Errorf("%s %v: failures %v, want one on %s", c.tok, c.in, chk.Failures, c.prop)
		}
	}
}

type pki struct {
	caKey, caCert, leafKey, csr, leafCert resource.PropertyMap
}

func buildPKI(t *testing.T, s *Server) pki {
	var p pki
	_, p.caKey = create(t, s, TokenPrivateKey, resource.PropertyMap{"algorithm": resource.NewProperty("ECDSA"), "ecdsaCurve": resource.NewProperty("P256")})
	_, p.caCert = create(t, s, TokenSelfSignedCert, resource.PropertyMap{
		"privateKeyPem": p.caKey["privateKeyPem"], // a secret, as the SDK sends it
		"subject": resource.NewProperty(resource.PropertyMap{
			"commonName": resource.NewProperty("Lab CA"), "organization": resource.NewProperty("openshift-hard-way"),
		}),
		"validityPeriodHours": resource.NewProperty(87600.0),
		"allowedUses":         strArr("cert_signing", "crl_signing", "digital_signature"),
		"isCaCertificate":     resource.NewProperty(true),
		"setSubjectKeyId":     resource.NewProperty(true),
		"setAuthorityKeyId":   resource.NewProperty(true),
	})
	_, p.leafKey = create(t, s, TokenPrivateKey, resource.PropertyMap{"algorithm": resource.NewProperty("RSA")})
	_, p.csr = create(t, s, TokenCertRequest, resource.PropertyMap{
		"privateKeyPem": p.leafKey["privateKeyPem"],
		"subject": resource.NewProperty(resource.PropertyMap{
			"commonName": resource.NewProperty("api.lab.example"), "organization": resource.NewProperty("system:masters"),
			"organizationalUnit": resource.NewProperty("lab"), "country": resource.NewProperty("DE"),
			"locality": resource.NewProperty("Berlin"), "province": resource.NewProperty("BE"),
			"postalCode": resource.NewProperty("10115"), "streetAddresses": strArr("Street 1"),
			"serialNumber": resource.NewProperty("42"),
		}),
		"dnsNames":    strArr("api.lab.example", "api-int.lab.example"),
		"ipAddresses": strArr("192.168.126.10", "::1"),
		"uris":        strArr("spiffe://lab/api"),
	})
	_, p.leafCert = create(t, s, TokenLocallySignedCert, resource.PropertyMap{
		"certRequestPem":      p.csr["certRequestPem"],
		"caCertPem":           p.caCert["certPem"],
		"caPrivateKeyPem":     p.caKey["privateKeyPem"],
		"validityPeriodHours": resource.NewProperty(24.0),
		"allowedUses":         strArr("digital_signature", "key_encipherment", "server_auth", "client_auth"),
	})
	return p
}

func TestCertificateChain(t *testing.T) {
	s := NewServer("5.6.1")
	p := buildPKI(t, s)
	ca := parseCert(t, str(p.caCert, "certPem"))
	leaf := parseCert(t, str(p.leafCert, "certPem"))

	// CA
	if !ca.IsCA || !ca.BasicConstraintsValid {
		t.Error("CA flag not set")
	}
	if ca.Subject.CommonName != "Lab CA" || !slices.Equal(ca.Subject.Organization, []string{"openshift-hard-way"}) {
		t.Errorf("CA subject %v", ca.Subject)
	}
	if ca.KeyUsage != x509.KeyUsageCertSign|x509.KeyUsageCRLSign|x509.KeyUsageDigitalSignature {
		t.Errorf("CA key usage %v", ca.KeyUsage)
	}
	if len(ca.SubjectKeyId) == 0 || !slices.Equal(ca.SubjectKeyId, ca.AuthorityKeyId) {
		t.Error("CA subject/authority key ids")
	}
	if ca.SignatureAlgorithm != x509.ECDSAWithSHA256 || str(p.caCert, "keyAlgorithm") != "ECDSA" {
		t.Errorf("CA signature %v / keyAlgorithm %q", ca.SignatureAlgorithm, str(p.caCert, "keyAlgorithm"))
	}
	if got := ca.NotAfter.Sub(ca.NotBefore); got != 87600*time.Hour {
		t.Errorf("CA validity %v", got)
	}
	if !p.caCert["privateKeyPem"].IsSecret() {
		t.Error("SelfSignedCert privateKeyPem output is not secret")
	}
	if ca.SerialNumber.BitLen() < 64 || ca.SerialNumber.String() == leaf.SerialNumber.String() {
		t.Error("serial numbers are not random 128-bit values")
	}

	// leaf
	if leaf.IsCA || !leaf.BasicConstraintsValid {
		t.Error("leaf must have CA:FALSE")
	}
	subj := leaf.Subject
	if subj.CommonName != "api.lab.example" || subj.Organization[0] != "system:masters" || subj.OrganizationalUnit[0] != "lab" ||
		subj.Country[0] != "DE" || subj.Locality[0] != "Berlin" || subj.Province[0] != "BE" || subj.PostalCode[0] != "10115" ||
		subj.StreetAddress[0] != "Street 1" || subj.SerialNumber != "42" {
		t.Errorf("leaf subject %v", subj)
	}
	if !slices.Equal(leaf.DNSNames, []string{"api.lab.example", "api-int.lab.example"}) {
		t.Errorf("DNS SANs %v", leaf.DNSNames)
	}
	if len(leaf.IPAddresses) != 2 || !leaf.IPAddresses[0].Equal(net.ParseIP("192.168.126.10")) || !leaf.IPAddresses[1].Equal(net.IPv6loopback) {
		t.Errorf("IP SANs %v", leaf.IPAddresses)
	}
	if len(leaf.URIs) != 1 || leaf.URIs[0].String() != "spiffe://lab/api" {
		t.Errorf("URI SANs %v", leaf.URIs)
	}
	if leaf.KeyUsage != x509.KeyUsageDigitalSignature|x509.KeyUsageKeyEncipherment {
		t.Errorf("leaf key usage %v", leaf.KeyUsage)
	}
	if !slices.Equal(leaf.ExtKeyUsage, []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth}) {
		t.Errorf("leaf EKU %v", leaf.ExtKeyUsage)
	}
	if !slices.Equal(leaf.AuthorityKeyId, ca.SubjectKeyId) {
		t.Error("leaf authority key id != CA subject key id")
	}
	if k, ok := leaf.PublicKey.(*rsa.PublicKey); !ok || k.N.BitLen() != 2048 {
		t.Error("leaf key is not RSA 2048")
	}
	if str(p.leafCert, "caKeyAlgorithm") != "ECDSA" || str(p.csr, "keyAlgorithm") != "RSA" {
		t.Error("caKeyAlgorithm / keyAlgorithm")
	}
	if !p.leafCert["caPrivateKeyPem"].IsSecret() || !p.csr["privateKeyPem"].IsSecret() {
		t.Error("caPrivateKeyPem / CertRequest privateKeyPem outputs are not secret")
	}

	// validity window and RFC 3339 outputs
	start, err1 := time.Parse(time.RFC3339, str(p.leafCert, "validityStartTime"))
	end, err2 := time.Parse(time.RFC3339, str(p.leafCert, "validityEndTime"))
	if err1 != nil || err2 != nil || !start.Equal(leaf.NotBefore) || !end.Equal(leaf.NotAfter) || end.Sub(start) != 24*time.Hour {
		t.Errorf("validity %v..%v vs cert %v..%v", start, end, leaf.NotBefore, leaf.NotAfter)
	}
	if d := time.Since(start); d < 0 || d > time.Minute {
		t.Errorf("validityStartTime %v is not now", start)
	}
	if vw(p.leafCert).bool("readyForRenewal") {
		t.Error("fresh certificate is ready for renewal")
	}

	// chain verification
	roots := x509.NewCertPool()
	roots.AddCert(ca)
	for _, eku := range []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth} {
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: roots, DNSName: "api-int.lab.example", KeyUsages: []x509.ExtKeyUsage{eku}}); err != nil {
			t.Errorf("verify leaf against CA: %v", err)
		}
	}
	other := buildPKI(t, s)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: func() *x509.CertPool {
		p := x509.NewCertPool()
		p.AddCert(parseCert(t, str(other.caCert, "certPem")))
		return p
	}()}); err == nil {
		t.Error("leaf verified against an unrelated CA")
	}
}

func TestLocallySignedCertRejectsWrongCAKey(t *testing.T) {
	s := NewServer("5.6.1")
	p := buildPKI(t, s)
	_, err := CreateLocallySignedCert(str(p.csr, "certRequestPem"), str(p.caCert, "certPem"), str(p.leafKey, "privateKeyPem"),
		CertOptions{ValidityPeriodHours: 1, AllowedUses: []string{"server_auth"}}, time.Now())
	if err == nil || !strings.Contains(err.Error(), "caPrivateKeyPem") {
		t.Errorf("err = %v", err)
	}
}

func diff(t *testing.T, s *Server, tok string, olds, news resource.PropertyMap) *pulumirpc.DiffResponse {
	t.Helper()
	o, _ := marshal(olds)
	n, _ := marshal(news)
	r, err := s.Diff(ctx, &pulumirpc.DiffRequest{Urn: urn(tok, "r"), Olds: o, News: n})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// inputsOf returns the (checked) inputs that correspond to a resource's state.
func inputsOf(tok string, state resource.PropertyMap) resource.PropertyMap {
	in := resource.PropertyMap{}
	for _, p := range specs[tok].inputs {
		if v, ok := state[resource.PropertyKey(p.name)]; ok {
			in[resource.PropertyKey(p.name)] = v
		}
	}
	return in
}

func TestDiff(t *testing.T) {
	s := NewServer("5.6.1")
	p := buildPKI(t, s)
	tok := TokenLocallySignedCert

	if r := diff(t, s, tok, p.leafCert, inputsOf(tok, p.leafCert)); r.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("unchanged inputs: %v", r)
	}
	news := inputsOf(tok, p.leafCert)
	news["earlyRenewalHours"] = resource.NewProperty(2.0)
	if r := diff(t, s, tok, p.leafCert, news); r.Changes != pulumirpc.DiffResponse_DIFF_SOME || len(r.Replaces) != 0 {
		t.Errorf("earlyRenewalHours change should update in place: %v", r)
	}
	news = inputsOf(tok, p.leafCert)
	news["validityPeriodHours"] = resource.NewProperty(48.0)
	if r := diff(t, s, tok, p.leafCert, news); !slices.Equal(r.Replaces, []string{"validityPeriodHours"}) {
		t.Errorf("validityPeriodHours change should replace: %v", r)
	}
	news = inputsOf(tok, p.leafCert)
	news["caPrivateKeyPem"] = resource.NewProperty(str(p.caKey, "privateKeyPem")) // same value, not secret
	if r := diff(t, s, tok, p.leafCert, news); r.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("secretness alone must not diff: %v", r)
	}
	news["allowedUses"] = resource.MakeComputed(resource.NewProperty(""))
	if r := diff(t, s, tok, p.leafCert, news); !slices.Contains(r.Replaces, "allowedUses") {
		t.Errorf("unknown input should replace: %v", r)
	}

	// Renewal due: earlyRenewalHours larger than the 24h validity...
	news = inputsOf(tok, p.leafCert)
	news["earlyRenewalHours"] = resource.NewProperty(25.0)
	if r := diff(t, s, tok, p.leafCert, news); !slices.Contains(r.Replaces, "readyForRenewal") {
		t.Errorf("earlyRenewalHours > validity should report a replacement: %v", r)
	}
	// ...or time passing beyond validityEndTime - earlyRenewalHours.
	s.Now = func() time.Time { return time.Now().Add(23*time.Hour + 30*time.Minute) }
	if r := diff(t, s, tok, p.leafCert, inputsOf(tok, p.leafCert)); len(r.Replaces) != 0 {
		t.Errorf("not yet due: %v", r)
	}
	news = inputsOf(tok, p.leafCert)
	news["earlyRenewalHours"] = resource.NewProperty(1.0)
	if r := diff(t, s, tok, p.leafCert, news); !slices.Equal(r.Replaces, []string{"readyForRenewal"}) {
		t.Errorf("due within earlyRenewalHours: %v", r)
	}
	s.Now = func() time.Time { return time.Now().Add(25 * time.Hour) }
	if r := diff(t, s, tok, p.leafCert, inputsOf(tok, p.leafCert)); !slices.Equal(r.Replaces, []string{"readyForRenewal"}) ||
		r.Changes != pulumirpc.DiffResponse_DIFF_SOME {
		t.Errorf("expired certificate should be replaced: %v", r)
	}
	if r := diff(t, s, TokenSelfSignedCert, p.caCert, inputsOf(TokenSelfSignedCert, p.caCert)); r.Changes != pulumirpc.DiffResponse_DIFF_NONE {
		t.Errorf("10-year CA is not due: %v", r)
	}

	// Read recomputes readyForRenewal.
	props, _ := marshal(p.leafCert)
	rr, err := s.Read(ctx, &pulumirpc.ReadRequest{Id: "1", Urn: urn(tok, "r"), Properties: props})
	if err != nil {
		t.Fatal(err)
	}
	state, _ := unmarshal(rr.Properties)
	if !vw(state).bool("readyForRenewal") || !state["caPrivateKeyPem"].IsSecret() {
		t.Errorf("read: readyForRenewal=%v secret=%v", state["readyForRenewal"], state["caPrivateKeyPem"].IsSecret())
	}
}

func TestUpdateEarlyRenewalHours(t *testing.T) {
	s := NewServer("5.6.1")
	p := buildPKI(t, s)
	news := inputsOf(TokenLocallySignedCert, p.leafCert)
	news["earlyRenewalHours"] = resource.NewProperty(30.0)
	o, _ := marshal(p.leafCert)
	n, _ := marshal(news)
	r, err := s.Update(ctx, &pulumirpc.UpdateRequest{Urn: urn(TokenLocallySignedCert, "r"), Olds: o, News: n})
	if err != nil {
		t.Fatal(err)
	}
	state, _ := unmarshal(r.Properties)
	if vw(state).int("earlyRenewalHours") != 30 || !vw(state).bool("readyForRenewal") || str(state, "certPem") != str(p.leafCert, "certPem") {
		t.Errorf("update state: %v", state)
	}
}

func TestPreviewCreateIsUnknown(t *testing.T) {
	s := NewServer("5.6.1")
	in, _ := marshal(resource.PropertyMap{"algorithm": resource.NewProperty("RSA"), "rsaBits": resource.NewProperty(2048.0)})
	r, err := s.Create(ctx, &pulumirpc.CreateRequest{Urn: urn(TokenPrivateKey, "r"), Properties: in, Preview: true})
	if err != nil {
		t.Fatal(err)
	}
	outs, _ := unmarshal(r.Properties)
	if !outs["privateKeyPem"].ContainsUnknowns() || !outs["privateKeyPem"].IsSecret() {
		t.Errorf("preview privateKeyPem = %v", outs["privateKeyPem"])
	}
}

func TestSchemaAndInfo(t *testing.T) {
	s := NewServer("5.6.1")
	info, _ := s.GetPluginInfo(ctx, nil)
	if info.Version != "5.6.1" {
		t.Errorf("version %q", info.Version)
	}
	r, err := s.GetSchema(ctx, &pulumirpc.GetSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Name      string
		Resources map[string]struct {
			Properties map[string]struct{ Secret bool }
		}
	}
	if err := json.Unmarshal([]byte(r.Schema), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{TokenPrivateKey, TokenSelfSignedCert, TokenCertRequest, TokenLocallySignedCert} {
		if _, ok := doc.Resources[tok]; !ok {
			t.Errorf("schema lacks %s", tok)
		}
	}
	if doc.Name != "tls" || !doc.Resources[TokenPrivateKey].Properties["privateKeyPem"].Secret {
		t.Error("schema name or secretness")
	}
}
