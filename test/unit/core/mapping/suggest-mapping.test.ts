import { describe, expect, it } from 'vitest';
import { suggestMapping } from '../../../../src/core/mapping/suggest-mapping.ts';

describe('suggestMapping', () => {
  it('suggests every attribute of a Customer Insights profile', () => {
    const fields = [
      'CustomerId',
      'FirstName',
      'LastName',
      'PrimaryEmail',
      'Address1_Line1',
      'City',
      'StateOrProvince',
      'PostalCode',
      'CountryRegion',
      'MobilePhone',
      'BirthDate',
      'Gender',
    ];
    expect(suggestMapping(fields)).toEqual({
      email: 'PrimaryEmail',
      firstName: 'FirstName',
      lastName: 'LastName',
      address: 'Address1_Line1',
      city: 'City',
      state: 'StateOrProvince',
      postalCode: 'PostalCode',
      country: 'CountryRegion',
      phone: 'MobilePhone',
      birthdate: 'BirthDate',
      gender: 'Gender',
    });
  });

  it('suggests from the column names of Customer Insights profiles in Dataverse', () => {
    const fields = [
      'msdynci_customerid',
      'msdynci_emailaddress1',
      'msdynci_firstname',
      'msdynci_lastname',
      'msdynci_address1_city',
      'msdynci_mobilephone',
    ];
    expect(suggestMapping(fields)).toEqual({
      email: 'msdynci_emailaddress1',
      firstName: 'msdynci_firstname',
      lastName: 'msdynci_lastname',
      city: 'msdynci_address1_city',
      phone: 'msdynci_mobilephone',
    });
  });

  it('suggests from Turkish field names', () => {
    expect(
      suggestMapping(['E-posta', 'Ad', 'Soyad', 'Şehir', 'Ülke', 'Cep Telefonu', 'Doğum Tarihi', 'Cinsiyet']),
    ).toEqual({
      email: 'E-posta',
      firstName: 'Ad',
      lastName: 'Soyad',
      city: 'Şehir',
      country: 'Ülke',
      phone: 'Cep Telefonu',
      birthdate: 'Doğum Tarihi',
      gender: 'Cinsiyet',
    });
  });

  it.each([
    [
      ['email_address', 'first_name', 'surname'],
      { email: 'email_address', firstName: 'first_name', lastName: 'surname' },
    ],
    [['Email', 'EmailAddress'], { email: 'EmailAddress' }],
    [
      ['GivenName', 'Telephone', 'DateOfBirth'],
      { firstName: 'GivenName', phone: 'Telephone', birthdate: 'DateOfBirth' },
    ],
    [['Phone', 'MobilePhone'], { phone: 'MobilePhone' }],
    [['Country', 'CountryRegion'], { country: 'Country' }],
    [['Id', 'Score', 'Notes'], {}],
    [[], {}],
  ])('suggests from %j', (fields, expected) => {
    expect(suggestMapping(fields)).toEqual(expected);
  });
});
