package provider

import (
	"fmt"
	"math"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
)

// Resource type tokens of @pulumi/tls 5.6.1.
const (
	TokenPrivateKey        = "tls:index/privateKey:PrivateKey"
	TokenSelfSignedCert    = "tls:index/selfSignedCert:SelfSignedCert"
	TokenCertRequest       = "tls:index/certRequest:CertRequest"
	TokenLocallySignedCert = "tls:index/locallySignedCert:LocallySignedCert"
)

type propType int

const (
	tString propType = iota
	tInt
	tBool
	tStrings
	tSubject
)

// prop describes one input property of a resource.
type prop struct {
	name      string
	typ       propType
	required  bool
	def       *resource.PropertyValue // default applied by Check
	writeOnly bool                    // used by Create, never stored in outputs, ignored by Diff
	updatable bool                    // changes update in place instead of replacing
}

// resSpec describes one resource: its inputs, computed outputs and behaviour.
type resSpec struct {
	token         string
	inputs        []prop
	outputs       map[string]propType // computed outputs
	secretOutputs []string            // outputs (computed or copied inputs) always returned as secrets
	cert          bool                // has validityEndTime / earlyRenewalHours / readyForRenewal
	validate      func(v view) []failure
	create        func(v view, now time.Time) (string, resource.PropertyMap, error)
}

type failure struct{ property, reason string }

func pv[T any](x T) *resource.PropertyValue { v := resource.NewPropertyValue(x); return &v }

var subjectFields = []string{"commonName", "country", "emailAddress", "locality", "organization",
	"organizationalUnit", "postalCode", "province", "serialNumber", "streetAddresses"}

var certOutputs = map[string]propType{"certPem": tString, "readyForRenewal": tBool,
	"validityStartTime": tString, "validityEndTime": tString}

var specs = map[string]*resSpec{
	TokenPrivateKey: {
		token: TokenPrivateKey,
		inputs: []prop{
			{name: "algorithm", typ: tString, required: true},
			{name: "ecdsaCurve", typ: tString, def: pv("P224")},
			{name: "rsaBits", typ: tInt, def: pv(2048)},
		},
		outputs: map[string]propType{"privateKeyPem": tString, "privateKeyPemPkcs8": tString,
			"privateKeyOpenssh": tString, "publicKeyPem": tString, "publicKeyOpenssh": tString,
			"publicKeyFingerprintMd5": tString, "publicKeyFingerprintSha256": tString},
		secretOutputs: []string{"privateKeyPem", "privateKeyPemPkcs8", "privateKeyOpenssh"},
		validate:      validatePrivateKey,
		create:        createPrivateKey,
	},
	TokenSelfSignedCert: {
		token: TokenSelfSignedCert,
		inputs: concat(keyInputs("privateKeyPem"), subjectInputs(),
			[]prop{{name: "setAuthorityKeyId", typ: tBool, def: pv(false)}}, certInputs()),
		outputs:       withOutputs(certOutputs, "keyAlgorithm"),
		secretOutputs: []string{"privateKeyPem"},
		cert:          true,
		validate: func(v view) []failure {
			return append(validateKeyInput(v, "privateKeyPem"), validateCert(v)...)
		},
		create: createSelfSignedCert,
	},
	TokenCertRequest: {
		token:         TokenCertRequest,
		inputs:        concat(keyInputs("privateKeyPem"), subjectInputs()),
		outputs:       map[string]propType{"certRequestPem": tString, "keyAlgorithm": tString},
		secretOutputs: []string{"privateKeyPem"},
		validate: func(v view) []failure {
			return append(validateKeyInput(v, "privateKeyPem"), validateNames(v)...)
		},
		create: createCertRequest,
	},
	TokenLocallySignedCert: {
		token: TokenLocallySignedCert,
		inputs: concat([]prop{
			{name: "certRequestPem", typ: tString, required: true},
			{name: "caCertPem", typ: tString, required: true},
		}, keyInputs("caPrivateKeyPem"), certInputs()),
		outputs:       withOutputs(certOutputs, "caKeyAlgorithm"),
		secretOutputs: []string{"caPrivateKeyPem"},
		cert:          true,
		validate: func(v view) []failure {
			return append(validateKeyInput(v, "caPrivateKeyPem"), validateCert(v)...)
		},
		create: createLocallySignedCert,
	},
}

// keyInputs: a PEM private key input, its write-only variant and that variant's version.
func keyInputs(name string) []prop {
	return []prop{
		{name: name, typ: tString},
		{name: name + "Wo", typ: tString, writeOnly: true},
		{name: name + "WoVersion", typ: tInt},
	}
}

// subjectInputs: the subject and the subject alternative names of a certificate or request.
func subjectInputs() []prop {
	return []prop{
		{name: "subject", typ: tSubject},
		{name: "dnsNames", typ: tStrings},
		{name: "ipAddresses", typ: tStrings},
		{name: "uris", typ: tStrings},
	}
}

func concat(lists ...[]prop) []prop {
	var out []prop
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func certInputs() []prop {
	return []prop{
		{name: "validityPeriodHours", typ: tInt, required: true},
		{name: "allowedUses", typ: tStrings, required: true},
		{name: "earlyRenewalHours", typ: tInt, def: pv(0), updatable: true},
		{name: "isCaCertificate", typ: tBool, def: pv(false)},
		{name: "maxPathLength", typ: tInt},
		{name: "setSubjectKeyId", typ: tBool, def: pv(false)},
	}
}

func withOutputs(base map[string]propType, extra string) map[string]propType {
	m := map[string]propType{extra: tString}
	for k, v := range base {
		m[k] = v
	}
	return m
}

// view reads plain values out of a property map, looking through secrets.
type view struct{ m resource.PropertyMap }

func plain(v resource.PropertyValue) resource.PropertyValue {
	switch {
	case v.IsSecret():
		return plain(v.SecretValue().Element)
	case v.IsOutput() && v.OutputValue().Known:
		return plain(v.OutputValue().Element)
	case v.IsArray():
		arr := make([]resource.PropertyValue, len(v.ArrayValue()))
		for i, e := range v.ArrayValue() {
			arr[i] = plain(e)
		}
		return resource.NewArrayProperty(arr)
	case v.IsObject():
		obj := resource.PropertyMap{}
		for k, e := range v.ObjectValue() {
			obj[k] = plain(e)
		}
		return resource.NewObjectProperty(obj)
	}
	return v
}

func (v view) get(k string) resource.PropertyValue { return plain(v.m[resource.PropertyKey(k)]) }

// set reports whether k has a non-null value (known or not).
func (v view) set(k string) bool { return !v.get(k).IsNull() }

// known reports whether none of the given properties is (or contains) an unknown value.
func (v view) known(ks ...string) bool {
	for _, k := range ks {
		if v.m[resource.PropertyKey(k)].ContainsUnknowns() {
			return false
		}
	}
	return true
}

func (v view) str(k string) string {
	if x := v.get(k); x.IsString() {
		return x.StringValue()
	}
	return ""
}

func (v view) int(k string) int {
	if x := v.get(k); x.IsNumber() {
		return int(x.NumberValue())
	}
	return 0
}

func (v view) intPtr(k string) *int {
	if x := v.get(k); x.IsNumber() {
		n := int(x.NumberValue())
		return &n
	}
	return nil
}

func (v view) bool(k string) bool {
	x := v.get(k)
	return x.IsBool() && x.BoolValue()
}

func (v view) strs(k string) []string {
	x := v.get(k)
	if !x.IsArray() {
		return nil
	}
	var out []string
	for _, e := range x.ArrayValue() {
		if e.IsString() {
			out = append(out, e.StringValue())
		}
	}
	return out
}

func (v view) subject() *Subject {
	x := v.get("subject")
	if !x.IsObject() {
		return nil
	}
	s := view{x.ObjectValue()}
	return &Subject{
		CommonName: s.str("commonName"), Organization: s.str("organization"),
		OrganizationalUnit: s.str("organizationalUnit"), Country: s.str("country"),
		Locality: s.str("locality"), Province: s.str("province"), PostalCode: s.str("postalCode"),
		SerialNumber: s.str("serialNumber"), EmailAddress: s.str("emailAddress"),
		StreetAddresses: s.strs("streetAddresses"),
	}
}

func (v view) names() Names {
	return Names{DNSNames: v.strs("dnsNames"), IPAddresses: v.strs("ipAddresses"), URIs: v.strs("uris")}
}

// checkType validates the shape of a known value against its declared type.
func checkType(name string, t propType, x resource.PropertyValue) []failure {
	x = plain(x)
	if x.IsNull() || x.ContainsUnknowns() {
		return nil
	}
	bad := func(want string) []failure {
		return []failure{{name, fmt.Sprintf("%s must be %s, got %s", name, want, x.TypeString())}}
	}
	switch t {
	case tString:
		if !x.IsString() {
			return bad("a string")
		}
	case tBool:
		if !x.IsBool() {
			return bad("a boolean")
		}
	case tInt:
		if !x.IsNumber() || x.NumberValue() != math.Trunc(x.NumberValue()) {
			return bad("an integer")
		}
	case tStrings:
		if !x.IsArray() {
			return bad("a list of strings")
		}
		var fs []failure
		for i, e := range x.ArrayValue() {
			fs = append(fs, checkType(fmt.Sprintf("%s[%d]", name, i), tString, e)...)
		}
		return fs
	case tSubject:
		if !x.IsObject() {
			return bad("an object")
		}
		var fs []failure
		for k, e := range x.ObjectValue() {
			switch string(k) {
			case "streetAddresses":
				fs = append(fs, checkType(name+".streetAddresses", tStrings, e)...)
			case "commonName", "country", "emailAddress", "locality", "organization",
				"organizationalUnit", "postalCode", "province", "serialNumber":
				fs = append(fs, checkType(name+"."+string(k), tString, e)...)
			default:
				fs = append(fs, failure{name + "." + string(k), fmt.Sprintf("unknown subject field %q", k)})
			}
		}
		return fs
	}
	return nil
}

func validatePrivateKey(v view) []failure {
	var fs []failure
	if v.known("algorithm") {
		switch v.str("algorithm") {
		case AlgRSA, AlgECDSA, AlgED25519:
		default:
			fs = append(fs, failure{"algorithm", fmt.Sprintf("algorithm must be one of RSA, ECDSA, ED25519, got %q", v.str("algorithm"))})
		}
	}
	if v.known("ecdsaCurve") {
		if _, ok := curves[v.str("ecdsaCurve")]; !ok {
			fs = append(fs, failure{"ecdsaCurve", fmt.Sprintf("ecdsaCurve must be one of P224, P256, P384, P521, got %q", v.str("ecdsaCurve"))})
		}
	}
	if v.known("rsaBits") {
		// Go's crypto/rsa refuses keys smaller than 1024 bits.
		if b := v.int("rsaBits"); b < 1024 || b > 16384 {
			fs = append(fs, failure{"rsaBits", fmt.Sprintf("rsaBits must be between 1024 and 16384, got %d", b)})
		}
	}
	return fs
}

// validateKeyInput enforces "exactly one of <name> or <name>Wo", and <name>WoVersion with <name>Wo.
func validateKeyInput(v view, name string) []failure {
	wo, ver := name+"Wo", name+"WoVersion"
	if !v.known(name, wo) {
		return nil
	}
	switch {
	case v.set(name) && v.set(wo):
		return []failure{{name, fmt.Sprintf("only one of %s or %s may be set", name, wo)}}
	case !v.set(name) && !v.set(wo):
		return []failure{{name, fmt.Sprintf("exactly one of %s or %s must be set", name, wo)}}
	case v.set(wo) && !v.set(ver):
		return []failure{{ver, fmt.Sprintf("%s is required when %s is set", ver, wo)}}
	}
	return nil
}

func validateNames(v view) []failure {
	if !v.known("ipAddresses", "uris") {
		return nil
	}
	if _, _, err := v.names().parse(); err != nil {
		return []failure{{"ipAddresses", err.Error()}}
	}
	return nil
}

func validateCert(v view) []failure {
	fs := validateNames(v)
	for _, k := range []string{"validityPeriodHours", "earlyRenewalHours"} {
		if v.known(k) && v.int(k) < 0 {
			fs = append(fs, failure{k, fmt.Sprintf("%s must be >= 0, got %d", k, v.int(k))})
		}
	}
	if v.known("maxPathLength") && v.set("maxPathLength") && v.int("maxPathLength") < -1 {
		fs = append(fs, failure{"maxPathLength", fmt.Sprintf("maxPathLength must be >= -1, got %d", v.int("maxPathLength"))})
	}
	if v.known("allowedUses") {
		for i, u := range v.strs("allowedUses") {
			if !ValidUse(u) {
				fs = append(fs, failure{fmt.Sprintf("allowedUses[%d]", i), fmt.Sprintf(
					"allowedUses: unknown usage %q (use the Terraform names, e.g. digital_signature, key_encipherment, cert_signing, server_auth, client_auth)", u)})
			}
		}
	}
	return fs
}

func keyPem(v view, name string) string {
	if v.set(name) {
		return v.str(name)
	}
	return v.str(name + "Wo")
}

func createPrivateKey(v view, _ time.Time) (string, resource.PropertyMap, error) {
	key, err := GenerateKey(v.str("algorithm"), v.int("rsaBits"), v.str("ecdsaCurve"))
	if err != nil {
		return "", nil, err
	}
	k, err := EncodeKey(key)
	if err != nil {
		return "", nil, err
	}
	return k.ID, resource.PropertyMap{
		"privateKeyPem":              resource.NewProperty(k.PrivateKeyPem),
		"privateKeyPemPkcs8":         resource.NewProperty(k.PrivateKeyPemPkcs8),
		"privateKeyOpenssh":          resource.NewProperty(k.PrivateKeyOpenssh),
		"publicKeyPem":               resource.NewProperty(k.PublicKeyPem),
		"publicKeyOpenssh":           resource.NewProperty(k.PublicKeyOpenssh),
		"publicKeyFingerprintMd5":    resource.NewProperty(k.PublicKeyFingerprintMd5),
		"publicKeyFingerprintSha256": resource.NewProperty(k.PublicKeyFingerprintSha256),
	}, nil
}

func certOptions(v view) CertOptions {
	return CertOptions{
		ValidityPeriodHours: v.int("validityPeriodHours"),
		AllowedUses:         v.strs("allowedUses"),
		IsCA:                v.bool("isCaCertificate"),
		MaxPathLength:       v.intPtr("maxPathLength"),
		SetSubjectKeyID:     v.bool("setSubjectKeyId"),
		SetAuthorityKeyID:   v.bool("setAuthorityKeyId"),
	}
}

func certProps(r *CertResult, v view, now time.Time) resource.PropertyMap {
	return resource.PropertyMap{
		"certPem":           resource.NewProperty(r.CertPem),
		"validityStartTime": resource.NewProperty(r.ValidityStart.UTC().Format(time.RFC3339)),
		"validityEndTime":   resource.NewProperty(r.ValidityEnd.UTC().Format(time.RFC3339)),
		"readyForRenewal":   resource.NewProperty(ReadyForRenewal(r.ValidityEnd, v.int("earlyRenewalHours"), now)),
	}
}

func createSelfSignedCert(v view, now time.Time) (string, resource.PropertyMap, error) {
	r, err := CreateSelfSignedCert(keyPem(v, "privateKeyPem"), v.subject(), v.names(), certOptions(v), now)
	if err != nil {
		return "", nil, err
	}
	out := certProps(r, v, now)
	out["keyAlgorithm"] = resource.NewProperty(r.KeyAlgorithm)
	return r.ID, out, nil
}

func createCertRequest(v view, _ time.Time) (string, resource.PropertyMap, error) {
	csr, alg, id, err := CreateCertRequest(keyPem(v, "privateKeyPem"), v.subject(), v.names())
	if err != nil {
		return "", nil, err
	}
	return id, resource.PropertyMap{"certRequestPem": resource.NewProperty(csr), "keyAlgorithm": resource.NewProperty(alg)}, nil
}

func createLocallySignedCert(v view, now time.Time) (string, resource.PropertyMap, error) {
	r, err := CreateLocallySignedCert(v.str("certRequestPem"), v.str("caCertPem"), keyPem(v, "caPrivateKeyPem"), certOptions(v), now)
	if err != nil {
		return "", nil, err
	}
	out := certProps(r, v, now)
	out["caKeyAlgorithm"] = resource.NewProperty(r.SignerKeyAlgorithm)
	return r.ID, out, nil
}
