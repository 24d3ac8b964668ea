package provider

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"
)

// Key algorithm names, as used by terraform-provider-tls and @pulumi/tls.
const (
	AlgRSA     = "RSA"
	AlgECDSA   = "ECDSA"
	AlgED25519 = "ED25519"
)

var curves = map[string]elliptic.Curve{
	"P224": elliptic.P224(),
	"P256": elliptic.P256(),
	"P384": elliptic.P384(),
	"P521": elliptic.P521(),
}

// KeyOutputs holds the encodings of a private key that a PrivateKey resource exposes.
type KeyOutputs struct {
	ID                         string
	PrivateKeyPem              string
	PrivateKeyPemPkcs8         string
	PrivateKeyOpenssh          string
	PublicKeyPem               string
	PublicKeyOpenssh           string
	PublicKeyFingerprintMd5    string
	PublicKeyFingerprintSha256 string
}

// GenerateKey creates a private key of the given algorithm ("RSA" with rsaBits, "ECDSA" with
// ecdsaCurve "P224"|"P256"|"P384"|"P521", or "ED25519").
func GenerateKey(algorithm string, rsaBits int, ecdsaCurve string) (crypto.Signer, error) {
	switch algorithm {
	case AlgRSA:
		return rsa.GenerateKey(rand.Reader, rsaBits)
	case AlgECDSA:
		c, ok := curves[ecdsaCurve]
		if !ok {
			return nil, fmt.Errorf("unsupported ecdsaCurve %q", ecdsaCurve)
		}
		return ecdsa.GenerateKey(c, rand.Reader)
	case AlgED25519:
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	}
	return nil, fmt.Errorf("unsupported algorithm %q", algorithm)
}

// EncodeKey returns all the encodings of key that terraform-provider-tls produces. privateKeyPem is
// PKCS#1 for RSA, SEC 1 ("EC PRIVATE KEY") for ECDSA and PKCS#8 for ED25519. The OpenSSH encodings
// and fingerprints are empty for keys OpenSSH does not support (ECDSA P-224).
func EncodeKey(key crypto.Signer) (*KeyOutputs, error) {
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	pubDER, err := x509.MarshalPKIXPublicKey(key.Public())
	if err != nil {
		return nil, err
	}
	out := &KeyOutputs{
		PrivateKeyPemPkcs8: pemString("PRIVATE KEY", pkcs8),
		PublicKeyPem:       pemString("PUBLIC KEY", pubDER),
	}
	sum := sha1.Sum(pubDER)
	out.ID = hex.EncodeToString(sum[:])
	switch k := key.(type) {
	case *rsa.PrivateKey:
		out.PrivateKeyPem = pemString("RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k))
	case *ecdsa.PrivateKey:
		der, err := x509.MarshalECPrivateKey(k)
		if err != nil {
			return nil, err
		}
		out.PrivateKeyPem = pemString("EC PRIVATE KEY", der)
	case ed25519.PrivateKey:
		out.PrivateKeyPem = out.PrivateKeyPemPkcs8
	default:
		return nil, fmt.Errorf("unsupported key type %T", key)
	}
	// OpenSSH has no P-224 keys; terraform-provider-tls leaves these outputs empty then.
	if sshPub, err := ssh.NewPublicKey(key.Public()); err == nil {
		out.PublicKeyOpenssh = string(ssh.MarshalAuthorizedKey(sshPub))
		out.PublicKeyFingerprintMd5 = ssh.FingerprintLegacyMD5(sshPub)
		out.PublicKeyFingerprintSha256 = ssh.FingerprintSHA256(sshPub)
		if blk, err := ssh.MarshalPrivateKey(key, ""); err == nil {
			out.PrivateKeyOpenssh = string(pem.EncodeToMemory(blk))
		}
	}
	return out, nil
}

func pemString(typ string, der []byte) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

// ParsePrivateKeyPEM parses a PEM private key in PKCS#1 ("RSA PRIVATE KEY"), SEC 1
// ("EC PRIVATE KEY") or PKCS#8 ("PRIVATE KEY") form and returns it with its algorithm name.
func ParsePrivateKeyPEM(s string) (crypto.Signer, string, error) {
	blk, _ := pem.Decode([]byte(s))
	if blk == nil {
		return nil, "", errors.New("no PEM block found")
	}
	var key any
	var err error
	switch blk.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(blk.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(blk.Bytes)
	case "PRIVATE KEY":
		key, err = x509.ParsePKCS8PrivateKey(blk.Bytes)
	default:
		return nil, "", fmt.Errorf("unsupported PEM block type %q (want RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY)", blk.Type)
	}
	if err != nil {
		return nil, "", err
	}
	alg, err := keyAlgorithm(key)
	if err != nil {
		return nil, "", err
	}
	return key.(crypto.Signer), alg, nil
}

func keyAlgorithm(key any) (string, error) {
	switch key.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey:
		return AlgRSA, nil
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return AlgECDSA, nil
	case ed25519.PrivateKey, ed25519.PublicKey:
		return AlgED25519, nil
	}
	return "", fmt.Errorf("unsupported key type %T", key)
}

func signatureAlgorithm(alg string) x509.SignatureAlgorithm {
	switch alg {
	case AlgRSA:
		return x509.SHA256WithRSA
	case AlgECDSA:
		return x509.ECDSAWithSHA256
	case AlgED25519:
		return x509.PureEd25519
	}
	return x509.UnknownSignatureAlgorithm
}

var keyUsages = map[string]x509.KeyUsage{
	"digital_signature":  x509.KeyUsageDigitalSignature,
	"content_commitment": x509.KeyUsageContentCommitment,
	"key_encipherment":   x509.KeyUsageKeyEncipherment,
	"data_encipherment":  x509.KeyUsageDataEncipherment,
	"key_agreement":      x509.KeyUsageKeyAgreement,
	"cert_signing":       x509.KeyUsageCertSign,
	"crl_signing":        x509.KeyUsageCRLSign,
	"encipher_only":      x509.KeyUsageEncipherOnly,
	"decipher_only":      x509.KeyUsageDecipherOnly,
}

var extKeyUsages = map[string]x509.ExtKeyUsage{
	"any_extended":                      x509.ExtKeyUsageAny,
	"server_auth":                       x509.ExtKeyUsageServerAuth,
	"client_auth":                       x509.ExtKeyUsageClientAuth,
	"code_signing":                      x509.ExtKeyUsageCodeSigning,
	"email_protection":                  x509.ExtKeyUsageEmailProtection,
	"ipsec_end_system":                  x509.ExtKeyUsageIPSECEndSystem,
	"ipsec_tunnel":                      x509.ExtKeyUsageIPSECTunnel,
	"ipsec_user":                        x509.ExtKeyUsageIPSECUser,
	"timestamping":                      x509.ExtKeyUsageTimeStamping,
	"ocsp_signing":                      x509.ExtKeyUsageOCSPSigning,
	"microsoft_server_gated_crypto":     x509.ExtKeyUsageMicrosoftServerGatedCrypto,
	"netscape_server_gated_crypto":      x509.ExtKeyUsageNetscapeServerGatedCrypto,
	"microsoft_commercial_code_signing": x509.ExtKeyUsageMicrosoftCommercialCodeSigning,
	"microsoft_kernel_code_signing":     x509.ExtKeyUsageMicrosoftKernelCodeSigning,
}

// normalizeUse maps the camelCase spelling used in @pulumi/tls's docs ("serverAuth") to the
// Terraform name ("server_auth"); Terraform names pass through unchanged.
func normalizeUse(u string) string {
	var b strings.Builder
	for _, r := range u {
		if r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ValidUse reports whether u names a key usage or extended key usage.
func ValidUse(u string) bool {
	n := normalizeUse(u)
	_, ku := keyUsages[n]
	_, eku := extKeyUsages[n]
	return ku || eku
}

// Subject is the distinguished name of a certificate or request (the `subject` input).
type Subject struct {
	CommonName, Organization, OrganizationalUnit, Country, Locality, Province, PostalCode, SerialNumber, EmailAddress string
	StreetAddresses                                                                                                   []string
}

var oidEmailAddress = asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}

func (s *Subject) name() pkix.Name {
	var n pkix.Name
	if s == nil {
		return n
	}
	one := func(v string) []string {
		if v == "" {
			return nil
		}
		return []string{v}
	}
	n.CommonName = s.CommonName
	n.SerialNumber = s.SerialNumber
	n.Organization = one(s.Organization)
	n.OrganizationalUnit = one(s.OrganizationalUnit)
	n.Country = one(s.Country)
	n.Locality = one(s.Locality)
	n.Province = one(s.Province)
	n.PostalCode = one(s.PostalCode)
	n.StreetAddress = s.StreetAddresses
	if s.EmailAddress != "" {
		n.ExtraNames = append(n.ExtraNames, pkix.AttributeTypeAndValue{Type: oidEmailAddress, Value: s.EmailAddress})
	}
	return n
}

// Names are the subject alternative names of a certificate or request.
type Names struct {
	DNSNames, IPAddresses, URIs []string
}

func (n Names) parse() ([]net.IP, []*url.URL, error) {
	var ips []net.IP
	for _, s := range n.IPAddresses {
		ip := net.ParseIP(s)
		if ip == nil {
			return nil, nil, fmt.Errorf("ipAddresses: invalid IP address %q", s)
		}
		ips = append(ips, ip)
	}
	var uris []*url.URL
	for _, s := range n.URIs {
		u, err := url.Parse(s)
		if err != nil {
			return nil, nil, fmt.Errorf("uris: invalid URI %q: %v", s, err)
		}
		uris = append(uris, u)
	}
	return ips, uris, nil
}

// CertOptions are the inputs shared by SelfSignedCert and LocallySignedCert.
type CertOptions struct {
	ValidityPeriodHours int
	AllowedUses         []string
	IsCA                bool
	MaxPathLength       *int
	SetSubjectKeyID     bool
	SetAuthorityKeyID   bool // SelfSignedCert only
}

// CertResult is what a certificate resource reports back.
type CertResult struct {
	ID                 string // decimal serial number, as terraform-provider-tls does
	CertPem            string
	ValidityStart      time.Time
	ValidityEnd        time.Time
	KeyAlgorithm       string // SelfSignedCert: the key's algorithm
	SignerKeyAlgorithm string // LocallySignedCert: the CA key's algorithm
}

func (o CertOptions) template(now time.Time) (*x509.Certificate, error) {
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, err
	}
	t := &x509.Certificate{
		SerialNumber:          serial,
		NotBefore:             now,
		NotAfter:              now.Add(time.Duration(o.ValidityPeriodHours) * time.Hour),
		BasicConstraintsValid: true,
		IsCA:                  o.IsCA,
	}
	for _, u := range o.AllowedUses {
		n := normalizeUse(u)
		if ku, ok := keyUsages[n]; ok {
			t.KeyUsage |= ku
		} else if eku, ok := extKeyUsages[n]; ok {
			t.ExtKeyUsage = append(t.ExtKeyUsage, eku)
		} else {
			return nil, fmt.Errorf("allowedUses: unknown usage %q", u)
		}
	}
	if o.IsCA && o.MaxPathLength != nil && *o.MaxPathLength >= 0 {
		t.MaxPathLen = *o.MaxPathLength
		t.MaxPathLenZero = *o.MaxPathLength == 0
	} else {
		t.MaxPathLen = -1
	}
	return t, nil
}

// subjectKeyID is the SHA-1 of the subjectPublicKey bit string (RFC 5280 4.2.1.2 method 1).
func subjectKeyID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, err
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &spki); err != nil {
		return nil, err
	}
	sum := sha1.Sum(spki.PublicKey.Bytes)
	return sum[:], nil
}

func finishCert(der []byte, t *x509.Certificate) *CertResult {
	return &CertResult{
		ID:            t.SerialNumber.String(),
		CertPem:       pemString("CERTIFICATE", der),
		ValidityStart: t.NotBefore,
		ValidityEnd:   t.NotAfter,
	}
}

// CreateSelfSignedCert issues a certificate for keyPem signed by that same key.
func CreateSelfSignedCert(keyPem string, subj *Subject, names Names, o CertOptions, now time.Time) (*CertResult, error) {
	key, alg, err := ParsePrivateKeyPEM(keyPem)
	if err != nil {
		return nil, fmt.Errorf("privateKeyPem: %w", err)
	}
	t, err := o.template(now)
	if err != nil {
		return nil, err
	}
	t.Subject = subj.name()
	t.DNSNames = names.DNSNames
	if t.IPAddresses, t.URIs, err = names.parse(); err != nil {
		return nil, err
	}
	t.SignatureAlgorithm = signatureAlgorithm(alg)
	if o.SetSubjectKeyID || o.SetAuthorityKeyID {
		ski, err := subjectKeyID(key.Public())
		if err != nil {
			return nil, err
		}
		if o.SetSubjectKeyID {
			t.SubjectKeyId = ski
		}
		if o.SetAuthorityKeyID {
			t.AuthorityKeyId = ski
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, t, t, key.Public(), key)
	if err != nil {
		return nil, fmt.Errorf("creating certificate: %w", err)
	}
	r := finishCert(der, t)
	r.KeyAlgorithm = alg
	return r, nil
}

// CreateCertRequest creates a PEM certificate signing request for keyPem and returns it with the
// key's algorithm and the request's id (hex SHA-1 of the DER, as terraform-provider-tls does).
func CreateCertRequest(keyPem string, subj *Subject, names Names) (csrPem, alg, id string, err error) {
	key, alg, err := ParsePrivateKeyPEM(keyPem)
	if err != nil {
		return "", "", "", fmt.Errorf("privateKeyPem: %w", err)
	}
	t := &x509.CertificateRequest{Subject: subj.name(), DNSNames: names.DNSNames, SignatureAlgorithm: signatureAlgorithm(alg)}
	if t.IPAddresses, t.URIs, err = names.parse(); err != nil {
		return "", "", "", err
	}
	der, err := x509.CreateCertificateRequest(rand.Reader, t, key)
	if err != nil {
		return "", "", "", fmt.Errorf("creating certificate request: %w", err)
	}
	sum := sha1.Sum(der)
	return pemString("CERTIFICATE REQUEST", der), alg, hex.EncodeToString(sum[:]), nil
}

// CreateLocallySignedCert issues a certificate for the request csrPem, signed by the CA
// certificate caCertPem and its key caKeyPem. Subject and SANs come from the request.
func CreateLocallySignedCert(csrPem, caCertPem, caKeyPem string, o CertOptions, now time.Time) (*CertResult, error) {
	blk, _ := pem.Decode([]byte(csrPem))
	if blk == nil || blk.Type != "CERTIFICATE REQUEST" {
		return nil, errors.New("certRequestPem: no CERTIFICATE REQUEST PEM block found")
	}
	csr, err := x509.ParseCertificateRequest(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("certRequestPem: %w", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return nil, fmt.Errorf("certRequestPem: bad signature: %w", err)
	}
	blk, _ = pem.Decode([]byte(caCertPem))
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, errors.New("caCertPem: no CERTIFICATE PEM block found")
	}
	ca, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("caCertPem: %w", err)
	}
	caKey, caAlg, err := ParsePrivateKeyPEM(caKeyPem)
	if err != nil {
		return nil, fmt.Errorf("caPrivateKeyPem: %w", err)
	}
	if pk, ok := ca.PublicKey.(interface{ Equal(crypto.PublicKey) bool }); !ok || !pk.Equal(caKey.Public()) {
		return nil, errors.New("caPrivateKeyPem: the CA private key does not match the public key of caCertPem")
	}
	t, err := o.template(now)
	if err != nil {
		return nil, err
	}
	t.Subject = csr.Subject
	t.DNSNames = csr.DNSNames
	t.IPAddresses = csr.IPAddresses
	t.URIs = csr.URIs
	t.EmailAddresses = csr.EmailAddresses
	t.SignatureAlgorithm = signatureAlgorithm(caAlg)
	if o.SetSubjectKeyID {
		if t.SubjectKeyId, err = subjectKeyID(csr.PublicKey); err != nil {
			return nil, err
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, t, ca, csr.PublicKey, caKey)
	if err != nil {
		return nil, fmt.Errorf("creating certificate: %w", err)
	}
	r := finishCert(der, t)
	r.SignerKeyAlgorithm = caAlg
	return r, nil
}

// ReadyForRenewal reports whether a certificate valid until end is due for renewal at now, given
// earlyRenewalHours: now >= end - earlyRenewalHours.
func ReadyForRenewal(end time.Time, earlyRenewalHours int, now time.Time) bool {
	return !now.Before(end.Add(-time.Duration(earlyRenewalHours) * time.Hour))
}
