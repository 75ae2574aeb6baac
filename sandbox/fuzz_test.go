package sandbox

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzRequests sends arbitrary bodies to the mutating operations and checks
// that every answer is well-formed AWS JSON, and that whatever was accepted
// obeys the rules: go test -fuzz FuzzRequests ./sandbox
func FuzzRequests(f *testing.F) {
	f.Add(uint8(0), []byte(`{"Username":"ada","Password":"Sandbox1pass","IdentityInfo":{"FirstName":"A","LastName":"B"},"RoutingProfileId":"RP","SecurityProfileIds":["SP"]}`))
	f.Add(uint8(0), []byte(`{"Username":"ada@example.com","Password":"Sandbox1pass","IdentityInfo":{"FirstName":"A","LastName":"B","Mobile":"+441234"},"PhoneConfig":{"PhoneType":"DESK_PHONE","DeskPhoneNumber":"+14255550100","AfterContactWorkTimeLimit":30},"RoutingProfileId":"RP","SecurityProfileIds":["SP"],"Tags":{"a":"b"}}`))
	f.Add(uint8(1), []byte(`{"IdentityStoreId":"STORE","UserName":"ada","DisplayName":"Ada","Name":{"GivenName":"A","FamilyName":"B"},"Emails":[{"Value":"a@example.com","Primary":true}]}`))
	f.Add(uint8(2), []byte(`{"IdentityStoreId":"STORE","DisplayName":"Agents"}`))
	f.Add(uint8(3), []byte(`{"InstanceId":"INSTANCE","SearchCriteria":{"OrConditions":[{"StringCondition":{"FieldName":"Username","Value":"ada","ComparisonType":"EXACT"}}]}}`))
	f.Add(uint8(1), []byte(`{`))
	f.Fuzz(func(t *testing.T, op uint8, body []byte) {
		sb := New(Options{Unlimited: true, Seed: 1})
		agent := ""
		for _, p := range sb.security {
			if p.name == "Agent" {
				agent = p.id
			}
		}
		// Let the corpus name the sandbox's real ids.
		body = bytes.ReplaceAll(body, []byte("RP"), []byte(sb.routing[0].id))
		body = bytes.ReplaceAll(body, []byte("SP"), []byte(agent))
		body = bytes.ReplaceAll(body, []byte("STORE"), []byte(sb.IdentityStoreID()))
		body = bytes.ReplaceAll(body, []byte("INSTANCE"), []byte(sb.InstanceID()))

		var req *http.Request
		switch op % 4 {
		case 0:
			req = httptest.NewRequest("PUT", "/users/"+sb.InstanceID(), bytes.NewReader(body))
		case 1:
			req = httptest.NewRequest("POST", "/", bytes.NewReader(body))
			req.Header.Set("X-Amz-Target", "AWSIdentityStore.CreateUser")
		case 2:
			req = httptest.NewRequest("POST", "/", bytes.NewReader(body))
			req.Header.Set("X-Amz-Target", "AWSIdentityStore.CreateGroup")
		case 3:
			req = httptest.NewRequest("POST", "/search-users", bytes.NewReader(body))
		}
		rec := httptest.NewRecorder()
		sb.ServeHTTP(rec, req)

		var answer map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &answer); err != nil {
			t.Fatalf("answer %d is not a JSON object: %q", rec.Code, rec.Body.String())
		}
		switch rec.Code {
		case 200:
		case 400, 404, 409, 429:
			if rec.Header().Get("X-Amzn-ErrorType") == "" || answer["Message"] == nil {
				t.Fatalf("error %d without its type or message: %v", rec.Code, answer)
			}
		default:
			t.Fatalf("unexpected status %d: %v", rec.Code, answer)
		}
		for _, u := range sb.ConnectUsers() {
			if u.Username == "admin" {
				continue
			}
			if !passwordOK(u.Password) || !usernamePattern.MatchString(u.Username) || u.FirstName == "" || u.LastName == "" ||
				(u.PhoneType == "DESK_PHONE" && !e164Pattern.MatchString(u.DeskPhoneNumber)) || u.ACWTimeout < 0 {
				t.Fatalf("accepted an invalid user: %+v", u)
			}
		}
		for _, u := range sb.IdentityStoreUsers() {
			if u.UserName == "" || strings.ContainsAny(u.UserName, " \t\n") || u.DisplayName == "" {
				t.Fatalf("accepted an invalid identity store user: %+v", u)
			}
		}
	})
}
