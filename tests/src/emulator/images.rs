//! Real image bytes for the CDN, made on the fly.
//!
//! A UI test must be able to tell two avatars apart and a client must be able to decode what
//! it downloads, so each image is a simple picture (a disc on a background, with a band) in
//! colours derived from its hash. PNG, JPEG and lossless WebP come from the `image` crate;
//! GIF is written directly with the `gif` crate because the picture is already indexed, which
//! avoids colour quantisation and makes animated GIFs cheap.

use std::io::Cursor;

use image::{ImageFormat, Rgb, RgbImage};
use sha2::{Digest, Sha256};

/// The largest side actually rendered. Discord never upscales past the uploaded original,
/// which is at most 1024 px for avatars and icons; bigger `size` requests get this.
pub(crate) const MAX_RENDERED: u32 = 1024;

/// Frames in an animated GIF.
const FRAMES: u16 = 4;

/// The formats the CDN serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Png,
    Jpeg,
    Webp,
    Gif,
}

impl Format {
    pub(crate) fn from_extension(ext: &str) -> Option<Self> {
        match ext {
            "png" => Some(Self::Png),
            "jpg" | "jpeg" => Some(Self::Jpeg),
            "webp" => Some(Self::Webp),
            "gif" => Some(Self::Gif),
            _ => None,
        }
    }

    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Webp => "image/webp",
            Self::Gif => "image/gif",
        }
    }
}

/// Three colours picked from the seed: background, disc, band.
fn palette(seed: &str) -> [[u8; 3]; 3] {
    let d = Sha256::digest(seed.as_bytes());
    [[d[0], d[1], d[2]], [d[3], d[4], d[5]], [d[6], d[7], d[8]]]
}

/// Which palette entry pixel (x, y) of frame `frame` shows. The disc is centred in frame 0
/// (every still image) and drifts right in later frames so an animated image visibly moves.
fn shade(x: u32, y: u32, side: u32, frame: u16) -> u8 {
    let s = side as f32;
    let shift = f32::from(frame) * s / 16.0;
    let (cx, cy) = (s / 2.0 + shift, s / 2.0);
    let (dx, dy) = (x as f32 + 0.5 - cx, y as f32 + 0.5 - cy);
    if dx * dx + dy * dy <= (s * 0.3) * (s * 0.3) {
        1
    } else if (y as f32) > s * 0.8 {
        2
    } else {
        0
    }
}

/// Renders the image for `seed` at `side` px (clamped to 1..=[`MAX_RENDERED`]).
/// `animated` only matters for GIF, which then gets several frames.
pub(crate) fn render(seed: &str, side: u32, format: Format, animated: bool) -> Vec<u8> {
    let side = side.clamp(1, MAX_RENDERED);
    let colours = palette(seed);
    match format {
        Format::Gif => gif_bytes(&colours, side, if animated { FRAMES } else { 1 }),
        other => raster_bytes(&colours, side, other),
    }
}

fn raster_bytes(colours: &[[u8; 3]; 3], side: u32, format: Format) -> Vec<u8> {
    let picture = RgbImage::from_fn(side, side, |x, y| {
        Rgb(colours[usize::from(shade(x, y, side, 0))])
    });
    let format = match format {
        Format::Png => ImageFormat::Png,
        Format::Jpeg => ImageFormat::Jpeg,
        Format::Webp => ImageFormat::WebP,
        Format::Gif => unreachable!("GIF is written by gif_bytes"),
    };
    let mut out = Cursor::new(Vec::new());
    picture
        .write_to(&mut out, format)
        .expect("encoding an in-memory RGB image cannot fail");
    out.into_inner()
}

fn gif_bytes(colours: &[[u8; 3]; 3], side: u32, frames: u16) -> Vec<u8> {
    let flat: Vec<u8> = colours.iter().flatten().copied().collect();
    let edge = u16::try_from(side).expect("side is clamped to 1024");
    let mut out = Vec::new();
    {
        let mut encoder =
            gif::Encoder::new(&mut out, edge, edge, &flat).expect("writing to a Vec cannot fail");
        if frames > 1 {
            encoder
                .set_repeat(gif::Repeat::Infinite)
                .expect("writing to a Vec cannot fail");
        }
        for frame in 0..frames {
            let pixels: Vec<u8> = (0..side * side)
                .map(|i| shade(i % side, i / side, side, frame))
                .collect();
            let mut gif_frame = gif::Frame::from_indexed_pixels(edge, edge, pixels, None);
            gif_frame.delay = 25; // hundredths of a second
            encoder
                .write_frame(&gif_frame)
                .expect("writing to a Vec cannot fail");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_decodes_at_requested_size_and_differs_by_seed() {
        let a = render("one", 32, Format::Png, false);
        let b = render("two", 32, Format::Png, false);
        assert_ne!(a, b);
        let decoded = image::load_from_memory(&a).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (32, 32));
    }

    #[test]
    fn every_format_has_its_magic_bytes() {
        assert!(render("x", 16, Format::Png, false).starts_with(b"\x89PNG"));
        assert!(render("x", 16, Format::Jpeg, false).starts_with(&[0xFF, 0xD8]));
        let webp = render("x", 16, Format::Webp, false);
        assert!(webp.starts_with(b"RIFF") && &webp[8..12] == b"WEBP");
        assert!(render("x", 16, Format::Gif, true).starts_with(b"GIF89a"));
    }
}
