package report

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// longPage is a team whose values are as long as real ones get: SAML-length
// names with accents, a long login and email, a deep hierarchy path, a
// Chinese name (two columns a character), each kind of sign-in.
func longPage(t *testing.T) (HandoutPage, []byte) {
	t.Helper()
	rows := []Outcome{
		{Line: 2, FirstName: "Maria Fernanda de los Ángeles", LastName: "García Rodríguez y Fernández de Córdoba",
			Login: "maria.fernanda.garcia.rodriguez", Email: "maria.fernanda.garcia.rodriguez@customer-support.example.com",
			Status: Created, Password: "K7mP2xQ9rT4wZ8nBq3Ws8Ke2Rb5Nd7M", SignInURL: "https://example-contact-centre-emea.my.connect.aws/"},
		{Line: 3, FirstName: "Raj", LastName: "Patel", Login: "rpatel@example.com", Email: "rpatel@example.com",
			Status: Created, SSOUserID: "u-1", SignInURL: "https://d-1234567890.awsapps.com/start"},
		{Line: 4, FirstName: "王小明王小明王小明王小明王小明", LastName: "欧阳欧阳欧阳欧阳欧阳欧阳欧阳欧阳欧阳", Login: "xwang", Email: "xwang@example.com",
			Status: Exists, SignInURL: "https://example-contact-centre-emea.my.connect.aws/"},
		{Line: 5, FirstName: "Jo", LastName: "Bloggs", Login: "jbloggs", Status: Created, Password: "Zq8!rT4wZ8nBq3Ws",
			SignInURL: "https://example-contact-centre-emea.my.connect.aws/"},
	}
	tmpl, err := DefaultHandoutTemplate()
	if err != nil {
		t.Fatal(err)
	}
	page := handoutPage("Example Corporation Worldwide|Customer Support EMEA|Tier 1 Billing Specialists", "hierarchy", rows)
	out, err := tmpl.render(page)
	if err != nil {
		t.Fatal(err)
	}
	return page, out
}

// TestDefaultHandoutPrints: the default handout is at most 80 columns wide,
// and each agent has a page of their own (a form feed before each agent
// after the first), short enough for one printed page.
func TestDefaultHandoutPrints(t *testing.T) {
	t.Parallel()
	page, out := longPage(t)
	for i, l := range strings.Split(string(out), "\n") {
		if w := displayWidth(strings.ReplaceAll(l, PageBreak, "")); w > HandoutColumns {
			t.Errorf("line %d is %d columns wide:\n%s", i+1, w, l)
		}
	}
	pages := strings.Split(string(out), PageBreak)
	if len(pages) != len(page.Agents) {
		t.Fatalf("%d pages for %d agents:\n%s", len(pages), len(page.Agents), out)
	}
	for i, p := range pages {
		if n := strings.Count(p, "\nUser name:   "+page.Agents[i].Login+"\n"); n != 1 {
			t.Errorf("page %d names %s %d times:\n%s", i+1, page.Agents[i].Login, n, p)
		}
		// A printed page in 10-point type holds about 60 lines.
		if n := strings.Count(p, "\n"); n > 60 {
			t.Errorf("page %d is %d lines long", i+1, n)
		}
	}
}

func TestWrapText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		columns     int
		first, rest string
		text, want  string
	}{
		{20, "Name: ", "      ", "Jane Doe", "Name: Jane Doe"},
		{20, "Name: ", "      ", "Maria Fernanda de los Angeles", "Name: Maria Fernanda\n      de los Angeles"},
		{20, "  - ", "    ", "open https://a-very-long-address.example.com/ now", "  - open\n    https://a-very-long-address.example.com/\n    now"},
		// A word too long after first goes below when that gives it more room.
		{20, "Sign in at:  ", "  ", "https://example.com/abc", "Sign in at:\n  https://example.com/abc"},
		{20, "Name: ", "      ", "", "Name:"},
		// Wide characters count two columns.
		{12, "Name: ", "      ", "王小明 欧阳", "Name: 王小明\n      欧阳"},
	} {
		if got := wrapText(c.columns, c.first, c.rest, c.text); got != c.want {
			t.Errorf("wrap %d %q %q:\n got %q\nwant %q", c.columns, c.first, c.text, got, c.want)
		}
	}
}

// sheetXML is the XML of a workbook's sheet, found by its name.
func sheetXML(t *testing.T, book []byte, name string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) []byte {
		f, err := zr.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var wb struct {
		Sheets []struct {
			Name string `xml:"name,attr"`
			RID  string `xml:"http://schemas.openxmlformats.org/officeDocument/2006/relationships id,attr"`
		} `xml:"sheets>sheet"`
	}
	var rels struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(read("xl/workbook.xml"), &wb); err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(read("xl/_rels/workbook.xml.rels"), &rels); err != nil {
		t.Fatal(err)
	}
	for _, s := range wb.Sheets {
		for _, r := range rels.Rels {
			if s.Name == name && r.ID == s.RID {
				return read(path.Join("xl", strings.TrimPrefix(r.Target, "/xl/")))
			}
		}
	}
	t.Fatalf("no sheet %s", name)
	return nil
}

// TestWorkbookPrintSettings: the workbook's Handout sheet prints portrait,
// with a row page break before each agent after the first, at full size
// (not "fit to page", under which Excel ignores page breaks) in a column
// that 80 characters of Courier New fill; the Agents sheet prints one page
// wide.
func TestWorkbookPrintSettings(t *testing.T) {
	t.Parallel()
	page, out := longPage(t)
	book, err := protectedWorkbook(teamRecords(page), out, "") // no passphrase: the XML can be read
	if err != nil {
		t.Fatal(err)
	}
	var ws struct {
		SheetPr struct {
			PageSetUpPr struct {
				FitToPage string `xml:"fitToPage,attr"`
			} `xml:"pageSetUpPr"`
		} `xml:"sheetPr"`
		Cols []struct {
			Width float64 `xml:"width,attr"`
		} `xml:"cols>col"`
		PageSetup struct {
			Orientation string `xml:"orientation,attr"`
			FitToWidth  string `xml:"fitToWidth,attr"`
		} `xml:"pageSetup"`
		Margins struct {
			Left  float64 `xml:"left,attr"`
			Right float64 `xml:"right,attr"`
		} `xml:"pageMargins"`
		RowBreaks []struct {
			ID  int    `xml:"id,attr"`
			Man string `xml:"man,attr"`
		} `xml:"rowBreaks>brk"`
	}
	if err := xml.Unmarshal(sheetXML(t, book, HandoutSheet), &ws); err != nil {
		t.Fatal(err)
	}
	if ws.PageSetup.Orientation != "portrait" || ws.SheetPr.PageSetUpPr.FitToPage == "true" || ws.SheetPr.PageSetUpPr.FitToPage == "1" {
		t.Errorf("Handout sheet: orientation %q, fit to page %q: want portrait at full size", ws.PageSetup.Orientation, ws.SheetPr.PageSetUpPr.FitToPage)
	}
	// 80 Courier New 10 characters are 480 points; a width unit is 7
	// pixels (5.25 points) of Calibri 11. With the margins, that must fit
	// A4's 8.27 inches (595 points).
	if len(ws.Cols) != 1 {
		t.Fatalf("%d column settings, want 1", len(ws.Cols))
	}
	wide := ws.Cols[0].Width*5.25 + (ws.Margins.Left+ws.Margins.Right)*72
	if ws.Cols[0].Width*5.25 < 480 || wide > 595 {
		t.Errorf("column width %v and margins %v+%v in: %.0f points of A4's 595", ws.Cols[0].Width, ws.Margins.Left, ws.Margins.Right, wide)
	}
	// The breaks (zero-based row ids: a break above that row) fall just
	// above each agent's first line after the first agent.
	f, err := excelize.OpenReader(bytes.NewReader(book))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(HandoutSheet)
	if err != nil {
		t.Fatal(err)
	}
	var want []int
	for i, r := range rows {
		if i > 0 && len(r) > 0 && r[0] == "AMAZON CONNECT: HOW TO SIGN IN" {
			want = append(want, i)
		}
		if len(r) > 0 && strings.Contains(r[0], PageBreak) {
			t.Errorf("row %d holds the form feed", i+1)
		}
	}
	if len(want) != len(page.Agents)-1 || len(ws.RowBreaks) != len(want) {
		t.Fatalf("%d row breaks, %d agents after the first", len(ws.RowBreaks), len(want))
	}
	for i, b := range ws.RowBreaks {
		if b.ID != want[i] || (b.Man != "true" && b.Man != "1") {
			t.Errorf("break %d at row id %d (manual %q), want a manual break at %d", i, b.ID, b.Man, want[i])
		}
	}

	agents, err := f.GetPageLayout(AgentsSheet)
	if err != nil {
		t.Fatal(err)
	}
	props, err := f.GetSheetProps(AgentsSheet)
	if err != nil {
		t.Fatal(err)
	}
	if agents.FitToWidth == nil || *agents.FitToWidth != 1 || props.FitToPage == nil || !*props.FitToPage {
		t.Errorf("Agents sheet: fit to width %v, fit to page %v: want one page wide", agents.FitToWidth, props.FitToPage)
	}
	// Printed one page wide, the table stays readable: no column wider
	// than agentsMaxWidth, the longer cells (the first sign-in steps)
	// wrapped.
	cols, err := f.GetCols(AgentsSheet)
	if err != nil {
		t.Fatal(err)
	}
	for j := range cols {
		name, _ := excelize.ColumnNumberToName(j + 1)
		w, err := f.GetColWidth(AgentsSheet, name)
		if err != nil {
			t.Fatal(err)
		}
		if w > agentsMaxWidth+2 {
			t.Errorf("Agents column %s is %.0f wide", name, w)
		}
		style, err := f.GetCellStyle(AgentsSheet, name+"2")
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(style)
		if err != nil || st.Alignment == nil || !st.Alignment.WrapText {
			t.Errorf("Agents column %s does not wrap: %+v %v", name, st, err)
		}
	}
	// A row whose first sign-in steps wrap is tall enough for them.
	rows, err = f.GetRows(AgentsSheet)
	if err != nil || len(rows) < 2 {
		t.Fatalf("Agents rows %d: %v", len(rows), err)
	}
	if lines := wrappedLines(rows[1]); lines < 3 {
		t.Errorf("the first agent's row wraps to %d lines: the long page should wrap more", lines)
	} else if h, _ := f.GetRowHeight(AgentsSheet, 2); h < float64(15*lines) {
		t.Errorf("row 2 is %.0f high for %d wrapped lines", h, lines)
	}
}
