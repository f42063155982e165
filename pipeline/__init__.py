"""相模原市ICT総合戦略 事業一覧: from the city's PDF-extracted list to open data and a public site."""
