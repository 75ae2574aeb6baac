package main

// The hints of the engine's errors: the engine says what failed (its typed
// errors, found here with errors.As); the words of what to do, which name
// the flags, are the command line's.

import (
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/bulkagents/bulkagents/awsclient"
	"github.com/bulkagents/bulkagents/importer"
	"github.com/bulkagents/bulkagents/report"
)

// setupErrorWords are the message and hint of a set-up error: those its cause
// calls for (naming the flags), otherwise the engine's own, which name none.
func setupErrorWords(se *importer.SetupError) (msg, hint string) {
	var oe *importer.OutputError
	var ie *importer.IdentityStoreError
	switch {
	case errors.As(se.Err, &oe):
		return outputWords(oe)
	case errors.As(se.Err, &ie) && (ie.Problem == importer.NoStore || ie.Problem == importer.SeveralStores):
		return "--sso: " + se.Message, setupHint(se)
	}
	return se.Message, setupHint(se)
}

// setupHint is the hint of a set-up error: the one its cause calls for,
// otherwise the engine's own (it names no flag).
func setupHint(se *importer.SetupError) string {
	var oe *importer.OutputError
	if errors.As(se.Err, &oe) {
		_, hint := outputWords(oe)
		return hint
	}
	var ce *importer.CallError
	var rw *importer.ResultsInTheWay
	var rm *importer.ResumeMismatch
	var ie *importer.IdentityStoreError
	var ur *importer.UnwritableResults
	switch {
	case errors.As(se.Err, &ce):
		return apiHint(ce)
	case errors.As(se.Err, &rw):
		return resultsInTheWayHint(rw)
	case errors.As(se.Err, &rm):
		return resumeHint(rm)
	case errors.As(se.Err, &ie):
		return identityStoreHint(ie, se.Hint)
	case errors.As(se.Err, &ur) && ur.Locked:
		return "let that run end (or stop it with Ctrl-C), then run this again; two runs on one results file would lose passwords.\n" +
			"To import something else at the same time, give it --out another results file"
	case errors.As(se.Err, &ur):
		return writeHint(ur.Path)
	}
	return se.Hint
}

// writeHint says what to do when the results file's folder cannot be
// written (a read-only folder or file system, a full disk).
func writeHint(path string) string {
	dir := filepath.Dir(path)
	return fmt.Sprintf("bulkagents writes the results file in %s: make that folder writable (chmod u+w %s), free some space if the disk is full,\n"+
		"or give --out a results file in a folder you can write to", dir, dir)
}

// resultsInTheWayHint says what to do about a results file in the way,
// after a look at what it holds: replacing one with passwords loses them;
// remove offers --resume only where that run left rows to finish.
func resultsInTheWayHint(e *importer.ResultsInTheWay) string {
	switch {
	case e.Raced:
		return "add --resume to continue that run, or --force to replace it"
	case e.Remove:
		return removeResultsHint(e)
	case e.Unreadable:
		return "--out to write elsewhere, or --force to replace it"
	case e.Passwords == 0 && e.Done == 0:
		return "it records no user made (a dry run's results?): add --force to replace it, or --out to write elsewhere"
	case e.DryRun && e.Passwords > 0:
		return fmt.Sprintf("it holds the passwords of %s: give the dry run another file with --out (--force would lose them)", report.Plural(e.Passwords, "user"))
	case e.DryRun:
		return "give the dry run another file with --out, or --force to replace it"
	case e.Passwords > 0:
		lost := "the 1 password it holds is lost"
		if e.Passwords > 1 {
			lost = fmt.Sprintf("the %d passwords it holds are lost", e.Passwords)
		}
		return "add --resume to continue that run (rows done stay done, with their passwords), or --out to write elsewhere;\n" +
			"--force replaces it, and " + lost
	}
	return "add --resume to continue that run (rows done stay done), --force to replace it, or --out to write elsewhere"
}

// removeResultsHint is remove's: a dry run's file never gets here (it is
// replaced).
func removeResultsHint(e *importer.ResultsInTheWay) string {
	switch {
	case e.DryRun:
		return "give the dry run another file with --out, or --force to replace it"
	case e.Unreadable:
		return "it is not a results file bulkagents can read: --out to write elsewhere, or --force to replace it"
	case e.Unfinished == 0:
		return "that run is finished: --force to replace it (a new run looks every user up again), or --out to write elsewhere"
	}
	return fmt.Sprintf("add --resume to finish that run (%s left), --force to replace it, or --out to write elsewhere", report.Plural(e.Unfinished, "row"))
}

// apiHint says what the user can do about a call of the set-up that
// failed: the instance, the region, the credentials, the endpoint.
func apiHint(call *importer.CallError) string {
	err, instanceID, region, profile := call.Err, call.InstanceID, call.Region, call.Profile
	login := "aws sso login --profile NAME"
	if profile != "" {
		login = "aws sso login --profile " + profile
	}
	var ue *importer.UnreachableError
	if errors.As(err, &ue) {
		return unreachableHint(ue)
	}
	switch awsclient.Classify(err) {
	case awsclient.NotFound:
		return fmt.Sprintf("no instance %s in region %s: check --instance-id and --region (an instance ARN carries its region)", instanceID, orUnset(region))
	case awsclient.AccessDenied:
		return "the credentials are not allowed this call: they need connect:DescribeInstance, connect:List*, connect:SearchUsers and connect:CreateUser on the instance"
	case awsclient.Unauthenticated:
		return "the credentials are not valid (expired?): refresh them (" + login + ") or pick others with --profile"
	}
	var ce *awsclient.CredentialsError
	var mr *aws.MissingRegionError
	switch {
	case errors.As(err, &ce) && ce.SSO():
		return "sign in again: " + login + "; then run the same command"
	case errors.As(err, &mr):
		return "set a region: --region NAME, AWS_REGION, the profile's region, or give --instance-id as an instance ARN"
	case errors.As(err, &ce):
		return "run 'aws sso login --profile NAME' and add --profile NAME, or set AWS_ACCESS_KEY_ID and\n" +
			"AWS_SECRET_ACCESS_KEY; or try it first with --sandbox"
	case awsclient.Classify(err) == awsclient.NotSent:
		return "check --endpoint-url (or AWS_ENDPOINT_URL) and the network"
	}
	return ""
}

// unreachableHint says what to check: the address given (--endpoint-url,
// AWS_ENDPOINT_URL) when the endpoint is not one of AWS's own, otherwise the
// network.
func unreachableHint(e *importer.UnreachableError) string {
	host := strings.TrimPrefix(strings.TrimPrefix(e.Endpoint, "https://"), "http://")
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if !strings.HasSuffix(host, ".amazonaws.com") && !strings.HasSuffix(host, ".amazonaws.com.cn") {
		return "check --endpoint-url (or AWS_ENDPOINT_URL): is the server running, and is this its address?"
	}
	return "check the network, any proxy (HTTPS_PROXY) or firewall, and the Region (--region, AWS_REGION)"
}

func orUnset(region string) string {
	if region == "" {
		return "(none set)"
	}
	return region
}

// outputWords say what is wrong with --out, and what to give instead.
func outputWords(e *importer.OutputError) (msg, hint string) {
	out := e.Results
	switch e.Problem {
	case importer.DryRunResume:
		if e.Remove {
			return "--dry-run and --resume do not go together", "a dry run deletes nothing: run it without --resume"
		}
		return "--dry-run and --resume do not go together", "a dry run writes no users; run it without --resume, with --out elsewhere to keep the earlier results file"
	case importer.OutIsInput:
		if e.Remove {
			return fmt.Sprintf("--out %s is the input file", out), "give the results file another name"
		}
		return fmt.Sprintf("--out %s is the input file", out), "give the results file another name: the input stays as it is"
	case importer.RetryIsInput:
		return fmt.Sprintf("the retry file of --out %s would be %s, the input file", out, e.Retry),
			"give --out another name, such as " + e.Suggest + ": the input stays as it is"
	case importer.OutIsFolder:
		return fmt.Sprintf("--out %s is a folder", out), "give the results file's name, such as " + e.Suggest
	case importer.NoFolder:
		msg := fmt.Sprintf("the folder of the results file %s does not exist", out)
		if e.Remove {
			return msg, "create it, or give --out a file in a folder that exists"
		}
		return msg, fmt.Sprintf("create %s, or give --out a file in a folder that exists", filepath.Dir(out))
	case importer.BadLink:
		return e.Error(), "give --out a file, or a symbolic link that names one"
	}
	return e.Error(), ""
}

// resumeHint says what to give --resume instead of a results file it
// cannot continue.
func resumeHint(e *importer.ResumeMismatch) string {
	switch {
	case e.Problem == importer.OtherInput && e.Remove:
		return "resume with the same input file as the interrupted run, or --out a new results file"
	case e.Problem == importer.OtherInput:
		return "resume with the same input file as the interrupted run, or --out a new results file to import this one\n" +
			"(keep the old results file: it holds the passwords of the users it created)"
	case e.Problem == importer.OtherInstance && e.Remove:
		return "resume against the instance of the interrupted run, or --out a new results file"
	case e.Problem == importer.OtherInstance:
		return "resume it with the --instance-id (and --region) of that run; to import this file into instance " + e.Instance + ",\n" +
			"give --out a new results file (keep the old one: it holds the passwords of the users made in the other instance)"
	case e.Problem == importer.Unreadable:
		return "resume from the file as bulkagents wrote it, or --out a new results file"
	}
	return ""
}

// identityStoreHint says which flag finds the identity store; engine is
// the engine's own hint (the permissions SSO Admin needs), kept first.
func identityStoreHint(e *importer.IdentityStoreError, engine string) string {
	switch e.Problem {
	case importer.NotSAMLInstance:
		return "leave out --sso and --identity-store-id: this instance's agents sign in with a Connect password"
	case importer.StoresUnlisted:
		return engine + "; or give the identity store with --identity-store-id d-XXXXXXXXXX"
	case importer.NoStore:
		return "enable IAM Identity Center in this region (or pick the region it is in with --region), or give --identity-store-id"
	case importer.SeveralStores:
		return "choose one with --identity-store-id"
	}
	return engine
}
