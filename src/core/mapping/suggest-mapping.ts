import { foldKey } from './fold.ts';
import type { MappedAttribute, Mapping } from './mapping.ts';

type SuggestedAttribute = Exclude<MappedAttribute, 'consent'>;

// Folded source field names (see foldKey), best first: Customer Insights, CRM and shop exports,
// in English, Turkish and German.
const candidates: Record<SuggestedAttribute, readonly string[]> = {
  email: [
    'emailaddress',
    'primaryemail',
    'email',
    'emailaddress1',
    'mail',
    'eposta',
    'epostaadresi',
    'emailadresse',
    'correo',
    'courriel',
    'contactemail',
    'useremail',
    'customeremail',
  ],
  firstName: [
    'firstname',
    'givenname',
    'first',
    'forename',
    'fname',
    'ad',
    'adi',
    'isim',
    'vorname',
    'prenom',
    'nombre',
  ],
  lastName: [
    'lastname',
    'surname',
    'familyname',
    'last',
    'lname',
    'soyad',
    'soyadi',
    'nachname',
    'nom',
    'apellido',
  ],
  address: [
    'address',
    'streetaddress',
    'address1',
    'addressline1',
    'address1line1',
    'street',
    'street1',
    'adres',
    'acikadres',
    'strasse',
    'anschrift',
  ],
  city: ['city', 'town', 'address1city', 'sehir', 'il', 'stadt', 'ort', 'ville', 'ciudad'],
  state: [
    'state',
    'stateorprovince',
    'address1stateorprovince',
    'province',
    'region',
    'county',
    'ilce',
    'bundesland',
  ],
  postalCode: [
    'postalcode',
    'postcode',
    'zip',
    'zipcode',
    'address1postalcode',
    'postakodu',
    'plz',
    'postleitzahl',
    'codepostal',
  ],
  country: [
    'country',
    'countryregion',
    'countrycode',
    'address1country',
    'countryorregion',
    'ulke',
    'land',
    'pays',
    'pais',
  ],
  phone: [
    'mobilephone',
    'mobile',
    'cellphone',
    'phone',
    'phonenumber',
    'telephone',
    'telephone1',
    'primaryphone',
    'tel',
    'cep',
    'ceptelefonu',
    'telefon',
    'handy',
    'telefonnummer',
  ],
  birthdate: ['birthdate', 'dateofbirth', 'birthday', 'dob', 'dogumtarihi', 'geburtsdatum', 'geburtstag'],
  gender: ['gender', 'gendercode', 'sex', 'cinsiyet', 'geschlecht', 'genre', 'genero'],
};

/**
 * The source field that most likely feeds each attribute, from the field names alone. Each source
 * field is suggested at most once; what is not recognised is left for the user to pick.
 */
export function suggestMapping(fieldNames: readonly string[]): Partial<Mapping> {
  const byKey = new Map<string, string>();
  for (const name of fieldNames) {
    // Customer Insights' profiles in Dataverse name their columns `msdynci_` + the attribute.
    const key = foldKey(name.replace(/^msdynci_/i, ''));
    if (!byKey.has(key)) byKey.set(key, name);
  }
  const used = new Set<string>();
  const suggestion: Partial<Mapping> = {};
  for (const [attribute, keys] of Object.entries(candidates) as [SuggestedAttribute, readonly string[]][]) {
    const field = keys.map((key) => byKey.get(key)).find((name) => name !== undefined && !used.has(name));
    if (field === undefined) continue;
    used.add(field);
    suggestion[attribute] = field;
  }
  return suggestion;
}
