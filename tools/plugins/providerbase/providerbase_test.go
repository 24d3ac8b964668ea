package providerbase

import (
	"context"
	"fmt"
	"testing"

	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

// server is a plugin as the two real ones are made: Base embedded, one resource method added.
type server struct {
	Base
}

func (s *server) Delete(context.Context, *pulumirpc.DeleteRequest) (*emptypb.Empty, error) {
	return &emptypb.Empty{}, nil
}

// TestServe starts a plugin on a real port and talks to it over gRPC as the engine does.
func TestServe(t *testing.T) {
	port, done, err := Serve(&server{Base{Version: "1.2.3", AcceptResources: true}})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := grpc.NewClient(fmt.Sprintf("127.0.0.1:%d", port), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := pulumirpc.NewResourceProviderClient(conn)
	ctx := context.Background()

	info, err := c.GetPluginInfo(ctx, &emptypb.Empty{})
	if err != nil || info.GetVersion() != "1.2.3" {
		t.Fatalf("GetPluginInfo = %v, %v; want version 1.2.3", info, err)
	}
	hs, err := c.Handshake(ctx, &pulumirpc.ProviderHandshakeRequest{})
	if err != nil || !hs.GetAcceptSecrets() || !hs.GetAcceptResources() {
		t.Fatalf("Handshake = %v, %v; want secrets and resources accepted", hs, err)
	}
	cf, err := c.Configure(ctx, &pulumirpc.ConfigureRequest{})
	if err != nil || !cf.GetAcceptSecrets() || !cf.GetSupportsPreview() || !cf.GetAcceptResources() {
		t.Fatalf("Configure = %v, %v; want secrets, previews and resources", cf, err)
	}
	news, _ := Marshal(resource.PropertyMap{"proxy": resource.NewProperty("x")})
	cc, err := c.CheckConfig(ctx, &pulumirpc.CheckRequest{News: news})
	if err != nil || cc.GetInputs().GetFields()["proxy"].GetStringValue() != "x" || len(cc.GetFailures()) != 0 {
		t.Fatalf("CheckConfig = %v, %v; want the inputs back, no failures", cc, err)
	}
	dc, err := c.DiffConfig(ctx, &pulumirpc.DiffRequest{})
	if err != nil || dc.GetChanges() != pulumirpc.DiffResponse_DIFF_NONE {
		t.Fatalf("DiffConfig = %v, %v; want DIFF_NONE", dc, err)
	}
	if _, err := c.Delete(ctx, &pulumirpc.DeleteRequest{}); err != nil {
		t.Fatalf("Delete (the embedding server's) = %v", err)
	}
	// A resource method the plugin does not define answers Unimplemented.
	if _, err := c.Create(ctx, &pulumirpc.CreateRequest{}); status.Code(err) != codes.Unimplemented {
		t.Fatalf("Create = %v; want Unimplemented", err)
	}
	select {
	case err := <-done:
		t.Fatalf("server stopped early: %v", err)
	default:
	}
}

func TestHandshakeWithoutResources(t *testing.T) {
	b := &Base{Version: "0.1.0"}
	hs, _ := b.Handshake(context.Background(), nil)
	cf, _ := b.Configure(context.Background(), nil)
	if hs.GetAcceptResources() || cf.GetAcceptResources() || !hs.GetAcceptSecrets() || !cf.GetAcceptSecrets() {
		t.Fatalf("Handshake = %v, Configure = %v; want secrets only", hs, cf)
	}
}

func TestMarshalKeepsSecretsAndUnknowns(t *testing.T) {
	in := resource.PropertyMap{
		"key":     resource.MakeSecret(resource.NewProperty("PRIVATE")),
		"pending": resource.MakeComputed(resource.NewProperty("")),
		"gone":    resource.NewNullProperty(),
	}
	s, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Unmarshal(s)
	if err != nil {
		t.Fatal(err)
	}
	if !out["key"].IsSecret() || out["key"].SecretValue().Element.StringValue() != "PRIVATE" {
		t.Errorf("secret lost: %v", out["key"])
	}
	if !out["pending"].IsComputed() {
		t.Errorf("unknown lost: %v", out["pending"])
	}
	if _, ok := out["gone"]; ok {
		t.Errorf("null kept: %v", out["gone"])
	}
	if m, err := Unmarshal(nil); err != nil || len(m) != 0 {
		t.Errorf("Unmarshal(nil) = %v, %v; want an empty map", m, err)
	}
}

func TestTypeToken(t *testing.T) {
	urn := "urn:pulumi:local::openshift-hard-way::tls:index/privateKey:PrivateKey::ca-key"
	for _, c := range []struct{ urn, typ, want string }{
		{urn, "", "tls:index/privateKey:PrivateKey"},
		{urn, "openshift-hard-way:index:RenderedFiles", "openshift-hard-way:index:RenderedFiles"},
		{"not-a-urn", "", "not-a-urn"},
	} {
		if got := TypeToken(c.urn, c.typ); got != c.want {
			t.Errorf("TypeToken(%q, %q) = %q; want %q", c.urn, c.typ, got, c.want)
		}
	}
}
