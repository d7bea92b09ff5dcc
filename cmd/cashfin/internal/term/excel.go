package term

// BOM is the UTF-8 byte-order mark that an --excel-safe CSV starts with, so that Excel reads it
// as UTF-8 rather than in the ANSI code page ("Wanjikũ", not "WanjikÅ©").
const BOM = "\ufeff"
