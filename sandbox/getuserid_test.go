package sandbox

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/identitystore"
	istypes "github.com/aws/aws-sdk-go-v2/service/identitystore/types"
)

// TestGetUserIdModel: GetUserId finds a user by userName or by
// emails.value (case-insensitively, as the store keeps them unique), and
// refuses what the identitystore model refuses: an AlternateIdentifier
// with both or neither member, a UniqueAttribute missing a member, an
// AttributePath outside its pattern, another path, a malformed ExternalId.
func TestGetUserIdModel(t *testing.T) {
	t.Parallel()
	c := newClients(t, Options{Unlimited: true}, false)
	ctx := context.Background()
	store := c.sb.IdentityStoreID()
	in := storeUserInput(c, "grace")
	in.Emails[0].Value = aws.String("Grace.Hopper@example.com")
	out, err := c.store.CreateUser(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	for _, alt := range []istypes.AlternateIdentifier{uniqueID("userName", "GRACE"), uniqueID("emails.value", "grace.hopper@EXAMPLE.com")} {
		got, err := c.store.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: aws.String(store), AlternateIdentifier: alt})
		if err != nil || aws.ToString(got.UserId) != aws.ToString(out.UserId) || aws.ToString(got.IdentityStoreId) != store {
			t.Errorf("GetUserId(%+v) = %+v, %v", alt, got, err)
		}
	}
	_, err = c.store.GetUserId(ctx, &identitystore.GetUserIdInput{IdentityStoreId: aws.String(store), AlternateIdentifier: uniqueID("emails.value", "grace@example.com")})
	if code := errorCode(t, err); code != "ResourceNotFoundException" {
		t.Errorf("GetUserId of an email nobody has: %v", err)
	}

	server := httptest.NewServer(c.sb)
	defer server.Close()
	srv := server.URL
	for _, tc := range []struct{ name, alt, want string }{
		{"neither member", `{}`, "ValidationException"},
		{"both members", `{"ExternalId":{"Issuer":"okta","Id":"1"},"UniqueAttribute":{"AttributePath":"userName","AttributeValue":"grace"}}`, "ValidationException"},
		{"no path", `{"UniqueAttribute":{"AttributeValue":"grace"}}`, "ValidationException"},
		{"no value", `{"UniqueAttribute":{"AttributePath":"userName"}}`, "ValidationException"},
		{"path outside the pattern", `{"UniqueAttribute":{"AttributePath":"user_name","AttributeValue":"grace"}}`, "ValidationException"},
		{"path of four parts", `{"UniqueAttribute":{"AttributePath":"a.b.c.d","AttributeValue":"grace"}}`, "ValidationException"},
		{"not a unique attribute", `{"UniqueAttribute":{"AttributePath":"displayName","AttributeValue":"Ada Lovelace"}}`, "ValidationException"},
		{"value not a string", `{"UniqueAttribute":{"AttributePath":"userName","AttributeValue":7}}`, "ValidationException"},
		{"issuer arn:", `{"ExternalId":{"Issuer":"arn:aws:x","Id":"1"}}`, "ValidationException"},
		{"external id unknown", `{"ExternalId":{"Issuer":"okta","Id":"1"}}`, "ResourceNotFoundException"},
		{"found", `{"UniqueAttribute":{"AttributePath":"userName","AttributeValue":"grace"}}`, ""},
	} {
		body := `{"IdentityStoreId":"` + store + `","AlternateIdentifier":` + tc.alt + `}`
		req, _ := http.NewRequest("POST", srv+"/", strings.NewReader(body))
		req.Header.Set("X-Amz-Target", "AWSIdentityStore.GetUserId")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		text, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := resp.Header.Get("X-Amzn-ErrorType"); got != tc.want {
			t.Errorf("%s: %d %q %s, want %q", tc.name, resp.StatusCode, got, text, tc.want)
		}
	}
}
