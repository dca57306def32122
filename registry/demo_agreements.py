"""Generated demo agreements: realistic DPA wording with the terms that vary between vendors.

The demo district receives agreements that differ in exactly the ways rule packs care about
(breach deadline, sale, advertising, deletion, encryption, governing law), so its review desk
shows passing, failing and missing findings side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DpaTerms", "render_dpa"]


@dataclass(frozen=True, slots=True, kw_only=True)
class DpaTerms:
    vendor: str
    product: str
    district: str
    state_name: str = "New York"
    breach: str = "seventy-two (72) hours"
    sells_data: bool = False
    targeted_ads: bool = False
    deletion_days: str = "sixty (60) days"
    encryption: bool = True
    nist: bool = True
    flow_down: bool = True
    data: tuple[str, ...] = ("student name", "student ID", "grades", "usage data")


def render_dpa(t: DpaTerms) -> str:
    """A multi-page agreement as text; pages are separated by form feeds."""
    sale = (
        f"{t.vendor} may sell or rent de-identified and aggregate usage data to research partners."
        if t.sells_data
        else f"{t.vendor} shall not sell, rent or trade Student Data to any third party."
    )
    ads = (
        f"{t.vendor} may use Student Data to show personalized advertising within {t.product}."
        if t.targeted_ads
        else f"{t.vendor} shall not use Student Data for targeted advertising to students."
    )
    security = (
        "Provider shall encrypt Student Data in transit and at rest and shall maintain a "
        "security program aligned with the NIST Cybersecurity Framework."
        if t.encryption and t.nist
        else "Provider shall maintain reasonable administrative, technical and physical "
        "safeguards to protect Student Data."
    )
    subs = (
        "Provider shall enter into written agreements with all subprocessors binding them to "
        "data protection obligations no less stringent than those in this Agreement."
        if t.flow_down
        else "Provider may use service providers to help operate the service."
    )
    page1 = f"""STUDENT DATA PRIVACY AGREEMENT

This Student Data Privacy Agreement is entered into by {t.district} (the "LEA") and {t.vendor}
(the "Provider") for the product {t.product}.

1. Purpose. Provider shall use Student Data only to provide the services described in
Exhibit A and for no other purpose.

2. Ownership. All Student Data remains the property of and under the control of the LEA.

3. School Official. Provider is a school official with a legitimate educational interest and
is under the direct control of the LEA with respect to the use and maintenance of Student Data.

4. Data Collected. Provider collects the following data: {", ".join(t.data)}.
"""
    page2 = f"""5. Use of Data. {sale} {ads}

6. Third Parties. Provider shall not disclose Student Data to third parties except with the
written consent of the parent or as required by law. {subs}

7. Security. {security}

8. Data Breach. In the event of an unauthorized release of Student Data, Provider shall notify
the LEA within {t.breach} of discovery of the breach.
"""
    page3 = f"""9. Parent Access. Provider shall assist the LEA in responding to requests from
parents to review and correct their child's records within forty-five (45) days.

10. Deletion. Upon termination of this Agreement, Provider shall delete or return all Student
Data within {t.deletion_days} and shall certify the deletion in writing.

11. Governing Law. This Agreement shall be governed by the laws of the State of {t.state_name}.

12. Term. This Agreement shall remain in effect for three (3) years from the date of signature.
"""
    return "\f".join([page1, page2, page3])
