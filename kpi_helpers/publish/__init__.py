"""Pages and files a run publishes: HTML export and page frame, index page, XLSX workbook, PDF."""
