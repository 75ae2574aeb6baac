package report_test

import (
	"fmt"

	"github.com/bulkagents/bulkagents/report"
)

func ExamplePaths() {
	results, retry := report.Paths("agents.csv")
	fmt.Println(results)
	fmt.Println(retry)
	// Output:
	// agents-results.csv
	// agents-retry.csv
}

func ExampleNeutralise() {
	fmt.Println(report.Neutralise("=HYPERLINK(\"http://example.com\")"))
	fmt.Println(report.Neutralise("+44 20 7946 0000"))
	fmt.Println(report.Neutralise("Ana"))
	// Output:
	// '=HYPERLINK("http://example.com")
	// '+44 20 7946 0000
	// Ana
}

func ExampleCounts() {
	c := report.Count([]report.Outcome{
		{Line: 2, Status: report.Created},
		{Line: 3, Status: report.Exists},
		{Line: 4, Status: report.Failed},
	})
	fmt.Println(c)
	fmt.Println("success:", c.Success())
	// Output:
	// 3 rows: 1 created, 1 exists, 1 failed
	// success: false
}
