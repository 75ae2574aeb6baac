package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/bulkagents/bulkagents/agentfile"
	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/report"
)

func TestSignInNotes(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		res  importer.Result
		want []string // "" lines: no note
	}{
		{"SAML without --sso", importer.Result{Instance: importer.Instance{Identity: agentfile.IdentitySAML}}, []string{"SAML instance", "identity provider", "--sso"}},
		{"--sso without an application", importer.Result{Instance: importer.Instance{Identity: agentfile.IdentitySAML}, IdentityCenter: &importer.IdentityCenterReport{Group: "ConnectAgents"}},
			[]string{`group "ConnectAgents" must still be assigned to the Amazon Connect application`, "Assign users and groups > Groups > ConnectAgents > Assign", "--sso-application-arn"}},
		{"--sso with an application", importer.Result{Instance: importer.Instance{Identity: agentfile.IdentitySAML}, IdentityCenter: &importer.IdentityCenterReport{Group: "ConnectAgents", Assignment: `group "ConnectAgents" assigned to arn`}}, nil},
		{"Connect-managed", importer.Result{Instance: importer.Instance{Identity: agentfile.IdentityConnect}}, nil},
	} {
		var b bytes.Buffer
		writeSignInNotes(&b, &tt.res)
		if tt.want == nil && b.Len() > 0 {
			t.Errorf("%s: note %q, want none", tt.name, b.String())
		}
		for _, w := range tt.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: note %q lacks %q", tt.name, b.String(), w)
			}
		}
	}
}

func TestWriteSummary(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	writeImportSummary(&b, &importer.Result{
		Instance:             importer.Instance{Identity: agentfile.IdentityConnect},
		Counts:               report.Counts{report.Created: 40, report.Invalid: 1},
		ResultsPath:          "agents-results.csv",
		RetryPath:            "agents-retry.csv",
		RetryRows:            1,
		Stats:                importer.Stats{CreateCalls: 41, CreateSpan: 20 * 1e9},
		ConfiguredCreateRate: 2,
		FinalCreateRate:      1.6,
		CreateThrottles:      3,
		ExistingUsers:        -1,
		Problems:             []agentfile.Problem{{Line: 7, Column: "routing profile name", Message: "routing profile \"x\" does not exist", Hint: "existing: \"Basic Routing Profile\""}},
	})
	out := b.String()
	for _, want := range []string{
		"41 rows: 40 created, 1 invalid", "2.00/s (limit 2.00/s)", "3 throttled", "1.60/s",
		`line 7: column "routing profile name": `, "; hint: existing", "agents-results.csv (it holds passwords", "agents-retry.csv (1 row to fix",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

// TestWriteSummarySaysWhyRowsFailed: each reason once, with its lines; an
// interruption only in its own line.
// quotaFailure is the error of rows a users quota stopped: one reason
// shared by many rows.
const quotaFailure = "create connect user: the instance's users-per-instance quota is reached " +
	"(LimitExceededException); ask AWS to raise \"Users per instance\" in Service Quotas, then run again with --resume"

func TestWriteSummarySaysWhyRowsFailed(t *testing.T) {
	t.Parallel()
	var outcomes []report.Outcome
	for line := 2; line < 8; line++ {
		outcomes = append(outcomes, report.Outcome{Line: line, Status: report.Failed, Error: quotaFailure})
	}
	outcomes = append(outcomes,
		report.Outcome{Line: 8, Status: report.Failed, Error: "create connect user: InvalidParameterException: bad"},
		report.Outcome{Line: 9, Status: report.NotAttempted, Error: importer.NotStarted},
		report.Outcome{Line: 10, Status: report.NotAttempted, Error: importer.NotStarted})
	var b strings.Builder
	writeImportSummary(&b, &importer.Result{Counts: report.Count(outcomes), Outcomes: outcomes, Interrupted: true, ExistingUsers: -1})
	out := b.String()
	for _, want := range []string{"lines 2, 3 and 4 more: failed: " + quotaFailure, "line 8: failed: create connect user: InvalidParameterException: bad",
		"interrupted: run the same command with --resume"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Count(out, "--resume") != 2 {
		t.Errorf("the interruption is said more than once:\n%s", out)
	}
}

// TestWriteSummaryPaceRecovered: a pace lowered by throttling and climbed
// back is not said to be lowered to the limit itself.
func TestWriteSummaryPaceRecovered(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	writeImportSummary(&b, &importer.Result{Counts: report.Counts{report.Created: 40}, Stats: importer.Stats{CreateCalls: 40, CreateSpan: 20 * time.Second},
		ConfiguredCreateRate: 2, FinalCreateRate: 2, CreateThrottles: 1, ExistingUsers: -1})
	if out := b.String(); strings.Contains(out, "lowered to 2.00/s") || !strings.Contains(out, "back to the limit") {
		t.Errorf("summary after the pace recovered:\n%s", out)
	}
}

// TestSummaryKeepsTheUsersQuotaNote: a dry run's summary repeats the note
// that the run would pass the users quota (a real run says it before its
// first create).
func TestSummaryKeepsTheUsersQuotaNote(t *testing.T) {
	t.Parallel()
	note := "dry run: the instance holds 450 users and this file would create 100: 550 in all, past the quota of 500"
	var b strings.Builder
	writeImportSummary(&b, &importer.Result{DryRun: true, ExistingUsers: 450, UsersQuotaNote: note, Counts: report.Counts{report.WouldCreate: 100}})
	if !strings.Contains(b.String(), note) {
		t.Errorf("the dry run's summary leaves the note out:\n%s", b.String())
	}
}

// TestSummaryPointsRowsInDoubtAtResume: rows whose CreateUser may have
// gone through without its answer are sent to --resume.
func TestSummaryPointsRowsInDoubtAtResume(t *testing.T) {
	t.Parallel()
	var summary strings.Builder
	writeImportSummary(&summary, &importer.Result{InDoubt: 2, ExistingUsers: -1})
	if s := summary.String(); !strings.Contains(s, "kept out of the retry file") || !strings.Contains(s, "--resume") {
		t.Errorf("the summary does not point the rows in doubt at --resume:\n%s", s)
	}
}

// TestIdentityCenterSummary: the Identity Center side of the summary: the
// group (created), the portal, an assignment warning with its console
// steps, and the one-time-password note once.
func TestIdentityCenterSummary(t *testing.T) {
	t.Parallel()
	portal := importer.PortalURL("d-1234567890")
	var summary strings.Builder
	writeImportSummary(&summary, &importer.Result{ExistingUsers: -1, IdentityCenter: &importer.IdentityCenterReport{
		StoreID: "d-1234567890", Group: "Tier 1 agents", GroupCreated: true, PortalURL: portal, UsersCreated: 3, MembershipsCreated: 3,
		Warnings: []string{"identity center: the group could not be assigned: do it in the console: Applications > Assign users and groups"},
	}})
	for _, want := range []string{`"Tier 1 agents" (created)`, "Send email OTP", portal, "Assign users and groups"} {
		if !strings.Contains(summary.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, summary.String())
		}
	}
	if strings.Count(summary.String(), "Send email OTP") != 1 {
		t.Errorf("the one-time-password note appears more than once:\n%s", summary.String())
	}
}
