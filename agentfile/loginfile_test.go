package agentfile

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
)

func TestReadLogins(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []string // line:login
		err      string
	}{
		{"template", "first name,last name,user login\nJane,Doe,jdoe\n\nRaj,Patel,rpatel\n", []string{"2:jdoe", "4:rpatel"}, ""},
		{"results file with a neutralised login and a byte order mark",
			"\ufeffline,user login,status\n2,'-dash,created\n3,'@at,created\n", []string{"2:-dash", "3:@at"}, ""},
		{"semicolons", "user login;first name\njdoe;Jane\n", []string{"2:jdoe"}, ""},
		{"any case and spacing", "User  Login\n jdoe\n", []string{"2: jdoe"}, ""},
		{"a short row", "first name,user login\nJane\n", []string{"2:"}, ""},
		{"no login column", "first name,last name\nJane,Doe\n", nil, `no "user login" column`},
		{"twice", "user login,User Login\na,b\n", nil, "appears twice"},
		{"empty", "", nil, "the file is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := ReadLogins(context.Background(), strings.NewReader(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range f.Rows {
				got = append(got, strconv.Itoa(r.Line)+":"+r.Login)
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("rows = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestReadLoginsBounds(t *testing.T) {
	t.Parallel()
	in := "user login\n" + strings.Repeat(",", MaxFields+10) + "\n"
	_, err := ReadLogins(context.Background(), strings.NewReader(in))
	var fe *FileError
	if !errors.As(err, &fe) || fe.Line != 2 || !strings.Contains(fe.Message, "more than") {
		t.Fatalf("err = %#v", err)
	}
}
