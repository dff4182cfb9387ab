module github.com/apienvelope/envelope/envelopetest

go 1.24.0

require github.com/apienvelope/envelope v0.0.0-00010101000000-000000000000

require golang.org/x/text v0.34.0 // indirect
