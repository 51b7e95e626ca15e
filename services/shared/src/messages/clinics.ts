/** Swedish wording of the clinics messages: key (the English template) → Swedish, same placeholders. */
export const clinics: Record<string, string> = {};
