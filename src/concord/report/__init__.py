"""Reports: the coordination report as one self-contained HTML file, and as a workbook."""
